import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";

import { queue } from "../../api/resources";
import type { QueueStatus } from "../../api/types";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { Notice } from "../../components/Notice";
import { Tabs } from "../../components/Tabs";
import { Writable } from "../../components/Writable";
import { QueueTable } from "./QueueTable";
import { replayQueue } from "./replay";

const TABS = [
  { value: "pending", label: "Waiting to retry" },
  { value: "sending", label: "Sending" },
  { value: "fail", label: "Exhausted (dead letter)" },
] as const;

const EMPTY: Record<QueueStatus, string> = {
  pending: "Nothing is waiting for a retry.",
  sending: "No delivery is in flight right now.",
  fail: "No delivery has used up its retries.",
};

/** Deliveries still owed: pending retries with their due time, in flight, and exhausted ones to replay. */
export function QueuePage({ appId }: { appId: string }) {
  const [status, setStatus] = useState<QueueStatus>("pending");
  const client = useQueryClient();
  const list = useList(
    ["queue", appId, status],
    (iterator) => queue.list(appId, { status, iterator, limit: 50 }),
    { refetchInterval: 5_000 },
  );
  const replay = useMutation({
    mutationFn: () => replayQueue(appId, status, list.items),
    onSuccess: () => client.invalidateQueries({ queryKey: ["background-tasks"] }),
  });

  return (
    <Card
      flush
      title="Retry queue"
      description="Updates every 5 seconds"
      actions={
        status !== "sending" &&
        list.items.length > 0 && (
          <Writable>
            <Button size="sm" onClick={() => replay.mutate()} busy={replay.isPending}>
              {status === "fail" ? "Recover" : "Replay"} all ({new Set(list.items.map((i) => i.endpointId)).size} endpoint(s))
            </Button>
          </Writable>
        )
      }
    >
      <div className="px-5 pt-2">
        <Tabs
          label="Queue state"
          value={status}
          options={TABS}
          onChange={(s) => {
            setStatus(s);
            replay.reset();
          }}
        />
      </div>
      {replay.data && (
        <div className="px-5 pt-3">
          <Notice tone={replay.data.failed ? "warning" : "success"}>
            Started {replay.data.tasks.length} background task(s)
            {replay.data.failed ? `; ${replay.data.failed} could not be started` : ""}; follow them on the{" "}
            <Link to="/tasks" className="underline">
              Background tasks
            </Link>{" "}
            page.
          </Notice>
        </div>
      )}
      <div className="px-5">
        <ActionError error={replay.error} />
      </div>
      {list.isPending && <Loading />}
      {list.isError && (
        <div className="p-5">
          <ErrorState error={list.error} what="the retry queue" onRetry={() => void list.refetch()} />
        </div>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <EmptyState title="Queue is empty">{EMPTY[status]}</EmptyState>
      )}
      {list.items.length > 0 && (
        <>
          <QueueTable appId={appId} items={list.items} canReplay={status !== "sending"} />
          <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
        </>
      )}
    </Card>
  );
}
