import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { endpoints } from "../../api/resources";
import type { FifoStatusOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { Notice } from "../../components/Notice";
import { Writable } from "../../components/Writable";
import { formatDate, formatRelative } from "../../lib/format";

/**
 * A FIFO endpoint's queue: the head that holds every later message ("held by msg_… failing
 * since …") and the operator's Skip, which marks it failed so the next one goes (admin only).
 */
export function FifoCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const client = useQueryClient();
  const key = ["endpoint-fifo", appId, endpointId];
  const status = useQuery({ queryKey: key, queryFn: () => endpoints.fifo(appId, endpointId), refetchInterval: 3_000 });
  const [confirming, setConfirming] = useState(false);
  const skip = useMutation({
    mutationFn: (msgId: string) => endpoints.fifoSkip(appId, endpointId, msgId),
    onSuccess: (out) => {
      setConfirming(false);
      client.setQueryData(key, out.status);
    },
  });

  return (
    <Card title="FIFO queue" description="One delivery at a time, in message order; a failing message holds the later ones.">
      {status.isPending ? (
        <Loading label="Loading the queue…" />
      ) : status.isError ? (
        <ErrorState error={status.error} what="the FIFO queue" onRetry={() => void status.refetch()} />
      ) : (
        <div className="space-y-3 text-sm" data-testid="fifo-head">
          <HeadLine status={status.data} />
          {status.data.head && (
            <Writable>
              {confirming ? (
                <div className="flex flex-wrap items-center gap-2">
                  <span className="text-slate-600">
                    Mark <code className="text-xs">{status.data.head.msgId}</code> failed without another attempt?
                  </span>
                  <Button size="sm" variant="primary" busy={skip.isPending} onClick={() => skip.mutate(status.data.head!.msgId)}>
                    Confirm skip
                  </Button>
                  <Button size="sm" onClick={() => setConfirming(false)}>
                    Cancel
                  </Button>
                </div>
              ) : (
                <Button size="sm" onClick={() => setConfirming(true)}>
                  Skip head
                </Button>
              )}
            </Writable>
          )}
          {skip.isSuccess && (
            <Notice>
              Skipped <code className="text-xs">{skip.data.skipped.msgId}</code>; the next message goes now.
            </Notice>
          )}
          <ActionError error={skip.error} />
        </div>
      )}
    </Card>
  );
}

function HeadLine({ status }: { status: FifoStatusOut }) {
  const { head, waiting } = status;
  if (!head) return <p className="text-slate-500">Nothing waiting: every message has been delivered or has failed.</p>;
  const later = waiting - 1;
  const rest = later > 0 ? `${later} later message${later === 1 ? "" : "s"} wait${later === 1 ? "s" : ""} behind it.` : "";
  const id = <code className="text-xs">{head.msgId}</code>;
  if (head.failingSince) {
    return (
      <p className="text-slate-800">
        Held by {id} failing since {formatDate(head.failingSince)} ({head.attempts} attempt{head.attempts === 1 ? "" : "s"}
        {head.lastStatusCode ? `, last answered ${head.lastStatusCode}` : ""}); next attempt{" "}
        {head.status === "sending" ? "in progress" : `due ${formatRelative(head.nextAttemptAt)}`}. {rest}
      </p>
    );
  }
  return (
    <p className="text-slate-800">
      Next: {id} ({head.status === "sending" ? "being sent" : "due " + formatRelative(head.nextAttemptAt)}). {rest}
    </p>
  );
}
