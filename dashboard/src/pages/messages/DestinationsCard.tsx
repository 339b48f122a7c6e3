import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";

import { messages } from "../../api/resources";
import type { MessageEndpointOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { Writable } from "../../components/Writable";
import { formatRelative } from "../../lib/format";

/** Each endpoint the message is routed to, its delivery status and next retry; resend from here. */
export function DestinationsCard({ appId, msgId }: { appId: string; msgId: string }) {
  const dests = useQuery({
    queryKey: ["destinations", appId, msgId],
    queryFn: () => messages.destinations(appId, msgId),
    refetchInterval: 5_000,
  });
  return (
    <Card title="Destinations" description="Delivery status per endpoint" flush>
      {dests.isPending && <Loading />}
      {dests.isError && (
        <div className="p-5">
          <ErrorState error={dests.error} what="destinations" onRetry={() => void dests.refetch()} />
        </div>
      )}
      {dests.data && dests.data.data.length === 0 && (
        <EmptyState title="No destinations">
          {/* Fan-out runs in the worker (ADR 0022): a message just sent has no destinations for a moment. */}
          None yet: the worker matches a new message to its endpoints within moments. If it stays empty, no
          endpoint subscribes to its event type or channels.
        </EmptyState>
      )}
      {dests.data && dests.data.data.length > 0 && (
        <Table label="Destinations">
          <thead>
            <tr>
              <Th>Endpoint</Th>
              <Th>Status</Th>
              <Th>Next attempt</Th>
              <Th className="text-right">Action</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {dests.data.data.map((d) => (
              <DestinationRow key={d.id} appId={appId} msgId={msgId} dest={d} />
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function DestinationRow({ appId, msgId, dest }: { appId: string; msgId: string; dest: MessageEndpointOut }) {
  const client = useQueryClient();
  const resend = useMutation({
    mutationFn: () => messages.resend(appId, msgId, dest.id),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["destinations", appId, msgId] }),
        client.invalidateQueries({ queryKey: ["attempts", "msg", appId, msgId] }),
      ]),
  });
  return (
    <tr>
      <Td className="max-w-md truncate">
        <Link
          to="/apps/$appId/endpoints/$endpointId"
          params={{ appId, endpointId: dest.id }}
          className="text-indigo-700 hover:underline"
        >
          {dest.url}
        </Link>
      </Td>
      <Td>
        <StatusBadge status={dest.status} />
      </Td>
      <Td title={dest.nextAttempt ?? undefined}>
        {dest.nextAttempt ? formatRelative(dest.nextAttempt) : "—"}
      </Td>
      <Td className="text-right">
        <Writable>
          <Button
            size="sm"
            onClick={() => resend.mutate()}
            busy={resend.isPending}
            aria-label={`Resend to ${dest.url}`}
          >
            {resend.isSuccess ? "Resent" : "Resend"}
          </Button>
        </Writable>
        <ActionError error={resend.error} />
      </Td>
    </tr>
  );
}
