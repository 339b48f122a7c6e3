import { useState } from "react";

import { backgroundTasks } from "../../api/resources";
import type { BackgroundTaskStatus } from "../../api/types";
import { useList } from "../../api/useList";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { Tabs } from "../../components/Tabs";
import { TaskProgress } from "./TaskProgress";

const TABS = [
  { value: "running", label: "Running" },
  { value: "all", label: "All" },
] as const;

/** Background tasks (recover, replays, purges) across applications, running ones with their progress. */
export function TasksPage() {
  const [status, setStatus] = useState<"all" | BackgroundTaskStatus>("running");
  const list = useList(
    ["background-tasks", status],
    (iterator) =>
      backgroundTasks.list({ status: status === "all" ? undefined : status, iterator, limit: 50 }),
    { refetchInterval: 2_000 },
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title="Background tasks"
        description="Recover, replays and purges, run by the worker in batches"
      />
      <Card flush title="Tasks" description="Updates every 2 seconds">
        <div className="px-5 pt-2">
          <Tabs label="Task state" value={status} options={TABS} onChange={setStatus} />
        </div>
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="background tasks" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title={status === "running" ? "No task is running" : "No background task yet"}>
            Recover and bulk replay on an endpoint page start one.
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <ul className="divide-y divide-slate-100">
              {list.items.map((task) => (
                <li key={task.id} className="px-5 py-3">
                  <TaskProgress task={task} showTarget />
                </li>
              ))}
            </ul>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
    </div>
  );
}
