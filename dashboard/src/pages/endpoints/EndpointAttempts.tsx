import { useState } from "react";

import { attempts } from "../../api/resources";
import { useList } from "../../api/useList";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { Tabs } from "../../components/Tabs";
import { AttemptsTable } from "../messages/AttemptsTable";

const FILTERS = [
  { value: "all", label: "All" },
  { value: "0", label: "Succeeded" },
  { value: "2", label: "Failed" },
  { value: "1", label: "Pending" },
] as const;
type Filter = (typeof FILTERS)[number]["value"];

export function EndpointAttempts({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [filter, setFilter] = useState<Filter>("all");
  const list = useList(
    ["attempts", "endpoint", appId, endpointId, filter],
    (iterator) =>
      attempts.byEndpoint(appId, endpointId, {
        iterator,
        limit: 25,
        status: filter === "all" ? undefined : filter,
      }),
    { refetchInterval: 5_000 },
  );

  return (
    <Card title="Delivery attempts" description="Newest first; updates live" flush>
      <div className="px-5 pt-2">
        <Tabs label="Filter attempts by status" value={filter} options={FILTERS} onChange={setFilter} />
      </div>
      {list.isPending && <Loading />}
      {list.isError && (
        <div className="p-5">
          <ErrorState error={list.error} what="attempts" onRetry={() => void list.refetch()} />
        </div>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title="No attempts">Send a test event to see one here.</EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <AttemptsTable appId={appId} attempts={list.items} showMessage />
          <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
        </>
      )}
    </Card>
  );
}
