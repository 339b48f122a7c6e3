import { operationalWebhooks } from "../../api/resources";
import { useList } from "../../api/useList";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { FailureReason } from "../../components/FailureReason";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { HttpCode, StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatDate, formatMs } from "../../lib/format";

/** The delivery attempts of operational events to one endpoint, newest first, refreshed live. */
export function OperationalAttempts({ endpointId }: { endpointId: string }) {
  const list = useList(
    ["operational-attempts", endpointId],
    (iterator) => operationalWebhooks.attempts(endpointId, { iterator, limit: 25 }),
    { refetchInterval: 5_000 },
  );
  return (
    <Card title="Recent deliveries" description={`Events sent to ${endpointId}; updates live`} flush>
      {list.isPending && <Loading />}
      {list.isError && (
        <div className="p-5">
          <ErrorState error={list.error} what="attempts" onRetry={() => void list.refetch()} />
        </div>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title="No deliveries yet">Events appear here as soon as one is sent.</EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <Table label="Operational deliveries">
            <thead>
              <tr>
                <Th>Status</Th>
                <Th>Result</Th>
                <Th>Event</Th>
                <Th className="text-right">Duration</Th>
                <Th>Time</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.items.map((a) => (
                <tr key={a.id} className="hover:bg-slate-50" data-attempt-status={a.status}>
                  <Td>
                    <StatusBadge status={a.status} />
                  </Td>
                  <Td className="max-w-[12rem]">
                    {a.responseStatusCode !== 0 && <HttpCode code={a.responseStatusCode} />}
                    {a.status !== 0 && (
                      <FailureReason code={a.responseStatusCode} response={a.response} className="max-w-[11rem]" />
                    )}
                  </Td>
                  <Td className="font-mono text-xs" title={a.msgId}>
                    {a.msg?.eventType ?? a.msgId}
                  </Td>
                  <Td className="text-right whitespace-nowrap">{formatMs(a.responseDurationMs)}</Td>
                  <Td className="whitespace-nowrap">{formatDate(a.timestamp)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
        </>
      )}
    </Card>
  );
}
