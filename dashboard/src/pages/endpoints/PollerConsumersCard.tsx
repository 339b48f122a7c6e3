import { useQuery } from "@tanstack/react-query";

import { pollers } from "../../api/resources";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { Table, Td, Th } from "../../components/Table";
import { formatDate, formatRelative } from "../../lib/format";
import { pollerPath } from "./fields";

/**
 * A polling endpoint's readers: the path they poll, and each consumer's stored position (every
 * message created before it has been acknowledged) with when it last moved.
 */
export function PollerConsumersCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const consumers = useQuery({
    queryKey: ["poller-consumers", appId, endpointId],
    queryFn: () => pollers.consumers(appId, endpointId),
  });
  const path = pollerPath(appId, endpointId);

  return (
    <Card
      title="Polling consumers"
      description="This endpoint gets no deliveries: its readers poll it, each consumer from its own position."
      actions={<CopyButton text={`${window.location.origin}${path}`} label="Copy poll URL" />}
      flush
    >
      {consumers.isPending ? (
        <Loading label="Loading consumers…" />
      ) : consumers.isError ? (
        <ErrorState error={consumers.error} what="the consumers" onRetry={() => void consumers.refetch()} />
      ) : consumers.data.data.length === 0 ? (
        <EmptyState title="No consumer has polled yet">
          A reader polls <code className="text-xs">{path}/consumer/&lt;name&gt;</code>; its position is kept
          here.
        </EmptyState>
      ) : (
        <Table label="Polling consumers">
          <thead>
            <tr>
              <Th>Consumer</Th>
              <Th>Read up to</Th>
              <Th>Last moved</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {consumers.data.data.map((c) => (
              <tr key={c.consumerId}>
                <Td className="font-mono text-xs">{c.consumerId}</Td>
                <Td className="whitespace-nowrap" title={c.position}>
                  {formatDate(c.positionTime)}
                </Td>
                <Td className="whitespace-nowrap" title={formatDate(c.updatedAt)}>
                  {formatRelative(c.updatedAt)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
