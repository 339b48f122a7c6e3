import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { Fragment, useState } from "react";

import { sources } from "../../api/resources";
import type { InboundRequestOut, InboundStatus } from "../../api/types";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { Tabs } from "../../components/Tabs";
import { Writable } from "../../components/Writable";
import { formatBytes, formatDate } from "../../lib/format";
import { RequestDetails } from "./RequestDetails";

const FILTERS = [
  { value: "all", label: "All" },
  { value: "accepted", label: "Accepted" },
  { value: "rejected", label: "Rejected" },
  { value: "duplicate", label: "Duplicate" },
] as const;

/**
 * Every request the provider sent, its verdict and reason. Any can be re-processed into a new
 * message; a rejected one only after confirming that its unverified body should be relayed.
 */
export function RequestLog({ appId, sourceId }: { appId: string; sourceId: string }) {
  const [filter, setFilter] = useState<"all" | InboundStatus>("all");
  const list = useList(
    ["inbound-requests", appId, sourceId, filter],
    (iterator) =>
      sources.requests(appId, sourceId, {
        iterator,
        limit: 50,
        status: filter === "all" ? undefined : filter,
      }),
    { refetchInterval: 5_000 },
  );
  return (
    <Card title="Request log" description="Updates every 5 seconds" flush>
      <div className="px-5 pt-2">
        <Tabs label="Filter requests" value={filter} options={FILTERS} onChange={setFilter} />
      </div>
      {list.isPending && <Loading />}
      {list.isError && (
        <div className="p-5">
          <ErrorState error={list.error} what="the request log" onRetry={() => void list.refetch()} />
        </div>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title="No requests">
          Requests appear here when the provider calls the ingest URL.
        </EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <Table label="Inbound requests">
            <thead>
              <tr>
                <Th>Request</Th>
                <Th>Verdict</Th>
                <Th>Reason</Th>
                <Th>Event type</Th>
                <Th className="text-right">Size</Th>
                <Th>Received</Th>
                <Th>Message</Th>
                <Th className="text-right">Action</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.items.map((r) => (
                <RequestRow key={r.id} appId={appId} sourceId={sourceId} request={r} />
              ))}
            </tbody>
          </Table>
          <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
        </>
      )}
    </Card>
  );
}

function RequestRow({
  appId,
  sourceId,
  request: r,
}: {
  appId: string;
  sourceId: string;
  request: InboundRequestOut;
}) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const client = useQueryClient();
  const rejected = r.status === "rejected";
  const retry = useMutation({
    mutationFn: () => sources.reprocessRequest(appId, sourceId, r.id, rejected),
    onSuccess: async () => {
      setConfirming(false);
      await Promise.all([
        client.invalidateQueries({ queryKey: ["inbound-requests", appId, sourceId] }),
        client.invalidateQueries({ queryKey: ["inbound-request", appId, sourceId, r.id] }),
      ]);
    },
  });
  return (
    <Fragment>
      <tr className="hover:bg-slate-50" data-request-status={r.status}>
        <Td className="font-mono text-xs">
          <button
            type="button"
            className="text-indigo-700 hover:underline"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {r.id}
          </button>
        </Td>
        <Td>
          <StatusBadge status={r.status} />
        </Td>
        <Td className="text-xs">{r.reason ? <code>{r.reason}</code> : "—"}</Td>
        <Td className="text-xs">{r.providerEventType ?? "—"}</Td>
        <Td className="text-right text-xs tabular-nums">{formatBytes(r.size)}</Td>
        <Td className="whitespace-nowrap">{formatDate(r.receivedAt)}</Td>
        <Td>
          {r.msgId ? (
            <Link
              to="/apps/$appId/messages/$msgId"
              params={{ appId, msgId: r.msgId }}
              className="font-mono text-xs text-indigo-700 hover:underline"
            >
              {r.msgId}
            </Link>
          ) : (
            "—"
          )}
        </Td>
        <Td className="text-right">
          <Writable>
            <Button
              size="sm"
              variant={rejected ? "danger" : "secondary"}
              onClick={() => (rejected ? setConfirming(true) : retry.mutate())}
              busy={retry.isPending && !confirming}
              aria-label={`Re-process ${r.id}`}
            >
              {retry.isSuccess ? "Re-processed" : rejected ? "Re-process…" : "Re-process"}
            </Button>
            {!confirming && <ActionError error={retry.error} />}
            {confirming && (
              <Dialog
                open={confirming}
                onClose={() => setConfirming(false)}
                title="Force re-process a rejected request?"
              >
                <div className="space-y-3 text-left text-sm text-slate-700">
                  <p>
                    Request <code className="font-mono text-xs">{r.id}</code> was rejected:{" "}
                    <code
                      className="rounded bg-red-50 px-1 font-mono text-xs text-red-700"
                      data-testid="reject-reason"
                    >
                      {r.reason ?? "unknown"}
                    </code>
                    .
                  </p>
                  <p>
                    Its sender was never verified. Re-processing relays its body as a real message to every
                    subscribed endpoint. Do this only if you know the call is genuine.
                  </p>
                  <ActionError error={retry.error} />
                  <div className="flex justify-end gap-2">
                    <Button onClick={() => setConfirming(false)}>Cancel</Button>
                    <Button variant="danger" onClick={() => retry.mutate()} busy={retry.isPending}>
                      Force re-process
                    </Button>
                  </div>
                </div>
              </Dialog>
            )}
          </Writable>
        </Td>
      </tr>
      {open && (
        <tr>
          <td colSpan={8} className="bg-slate-50 px-4 py-3">
            <RequestDetails appId={appId} sourceId={sourceId} requestId={r.id} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
