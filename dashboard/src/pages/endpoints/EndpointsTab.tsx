import { Link } from "@tanstack/react-router";
import { useState } from "react";

import { apps, endpoints } from "../../api/resources";
import { useList } from "../../api/useList";
import { useReadOnly } from "../../auth/useSession";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { RetryScheduleCard } from "../../components/RetryScheduleCard";
import { StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatDate } from "../../lib/format";
import { CreateEndpointDialog } from "./CreateEndpointDialog";
import { endpointLabel, filterTypesOf } from "./fields";

export function EndpointsTab({ appId }: { appId: string }) {
  const [creating, setCreating] = useState(false);
  const readOnly = useReadOnly();
  const list = useList(["endpoints", appId], (iterator) => endpoints.list(appId, { iterator, limit: 50 }));
  const add = readOnly ? null : (
    <Button variant="primary" size="sm" onClick={() => setCreating(true)}>
      Add endpoint
    </Button>
  );

  return (
    <>
      <Card
        title="Endpoints"
        description="Where this application's messages are delivered"
        actions={add}
        flush
      >
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="endpoints" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title="No endpoints yet" action={add}>
            Add the URL that should receive this application's webhooks.
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <Table label="Endpoints">
              <thead>
                <tr>
                  <Th>URL</Th>
                  <Th>Status</Th>
                  <Th>Event types</Th>
                  <Th>Description</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((ep) => {
                  const types = filterTypesOf(ep);
                  return (
                    <tr key={ep.id} className="hover:bg-slate-50">
                      <Td className="max-w-md truncate">
                        <Link
                          to="/apps/$appId/endpoints/$endpointId"
                          params={{ appId, endpointId: ep.id }}
                          className="font-medium text-indigo-700 hover:underline"
                        >
                          {endpointLabel(appId, ep)}
                        </Link>
                      </Td>
                      <Td>
                        <StatusBadge
                          status={ep.disabled ? "disabled" : "enabled"}
                          label={ep.disabled ? "Disabled" : "Enabled"}
                        />
                      </Td>
                      <Td className="max-w-xs truncate text-xs">
                        {types.length ? types.join(", ") : <span className="text-slate-400">All</span>}
                      </Td>
                      <Td className="max-w-xs truncate">
                        {ep.description || <span className="text-slate-400">—</span>}
                      </Td>
                      <Td className="whitespace-nowrap">{formatDate(ep.createdAt)}</Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      {!readOnly && (
        <div className="mt-6 max-w-xl">
          <RetryScheduleCard
            level="application"
            inherits="server default"
            queryKey={["retry-schedule", "app", appId]}
            load={() => apps.retrySchedule(appId).get()}
            save={(seconds) => apps.retrySchedule(appId).put(seconds)}
          />
        </div>
      )}
      <CreateEndpointDialog appId={appId} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
