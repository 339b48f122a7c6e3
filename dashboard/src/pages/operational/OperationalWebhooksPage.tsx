import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { operationalWebhooks } from "../../api/resources";
import type { OperationalWebhookEndpointOut } from "../../api/types";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatDate } from "../../lib/format";
import { CreateOperationalEndpointDialog } from "./CreateOperationalEndpointDialog";
import { OperationalAttempts } from "./OperationalAttempts";

/** Operational webhooks: the endpoints that hear about Hookrelay itself, and what was sent to them. */
export function OperationalWebhooksPage() {
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useList(["operational-endpoints"], (iterator) => operationalWebhooks.list({ iterator, limit: 50 }));
  const add = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New endpoint
    </Button>
  );
  const shown = selected ?? list.items[0]?.id ?? null;
  return (
    <>
      <PageHeader
        title="Operational webhooks"
        description="Events about Hookrelay itself (endpoints created, disabled or deleted, deliveries failing or exhausted, circuits opening, inbound sources failing verification), signed and retried like any delivery."
        actions={add}
      />
      <div className="space-y-5">
        <Card flush>
          {list.isPending && <Loading />}
          {list.isError && (
            <div className="p-5">
              <ErrorState error={list.error} what="operational endpoints" onRetry={() => void list.refetch()} />
            </div>
          )}
          {list.isSuccess && list.items.length === 0 && (
            <EmptyState title="No operational endpoints" action={add}>
              Add a URL to be told when deliveries start failing.
            </EmptyState>
          )}
          {list.items.length > 0 && (
            <>
              <Table label="Operational endpoints">
                <thead>
                  <tr>
                    <Th>Endpoint</Th>
                    <Th>Events</Th>
                    <Th>Status</Th>
                    <Th>Created</Th>
                    <Th className="text-right">Action</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.items.map((ep) => (
                    <EndpointRow
                      key={ep.id}
                      endpoint={ep}
                      selected={ep.id === shown}
                      onSelect={() => setSelected(ep.id)}
                    />
                  ))}
                </tbody>
              </Table>
              <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
            </>
          )}
        </Card>
        {shown && <OperationalAttempts endpointId={shown} />}
      </div>
      <CreateOperationalEndpointDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function EndpointRow({
  endpoint: ep,
  selected,
  onSelect,
}: {
  endpoint: OperationalWebhookEndpointOut;
  selected: boolean;
  onSelect: () => void;
}) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => operationalWebhooks.remove(ep.id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["operational-endpoints"] }),
  });
  return (
    <tr className={selected ? "bg-indigo-50/50" : "hover:bg-slate-50"} aria-selected={selected}>
      <Td className="max-w-[18rem]">
        <div className="truncate font-medium" title={ep.url}>
          {ep.url}
        </div>
        <div className="font-mono text-xs text-slate-500">
          {ep.id}
          {ep.description && ` · ${ep.description}`}
        </div>
      </Td>
      <Td className="text-xs">
        {ep.eventTypes ? (
          <span className="font-mono">{ep.eventTypes.join(", ")}</span>
        ) : (
          <span className="text-slate-500">All events</span>
        )}
      </Td>
      <Td>
        <StatusBadge status={ep.disabled ? "disabled" : "enabled"} />
      </Td>
      <Td className="whitespace-nowrap">{formatDate(ep.createdAt)}</Td>
      <Td className="text-right whitespace-nowrap">
        <Button size="sm" onClick={onSelect} className="mr-2">
          Deliveries
        </Button>
        <Button
          size="sm"
          variant="danger"
          busy={remove.isPending}
          onClick={() => window.confirm(`Delete the operational endpoint ${ep.url}?`) && remove.mutate()}
        >
          Delete
        </Button>
        <ActionError error={remove.error} />
      </Td>
    </tr>
  );
}
