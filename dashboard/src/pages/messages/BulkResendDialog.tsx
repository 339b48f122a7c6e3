import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";

import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { CheckboxField } from "../../components/Field";
import { Notice } from "../../components/Notice";
import { ProgressBar } from "../../components/ProgressBar";
import { bulkResend, type BulkResult, replayMatching } from "./bulkResend";
import type { MessageSearch } from "./search";

interface Props {
  open: boolean;
  onClose: () => void;
  appId: string;
  messageIds: string[];
  endpointId?: string;
  /** The view's filters: with an endpoint, every message they match can be replayed on the server. */
  search?: MessageSearch;
  onDone: () => void;
}

export function BulkResendDialog({ open, onClose, appId, messageIds, endpointId, search, onDone }: Props) {
  const [onlyFailed, setOnlyFailed] = useState(true);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const client = useQueryClient();
  const matching = useMutation({
    mutationFn: () => replayMatching(appId, endpointId!, search ?? {}),
    onSuccess: () => client.invalidateQueries({ queryKey: ["background-tasks"] }),
  });

  async function run() {
    setResult(null);
    setProgress(0);
    const r = await bulkResend(appId, messageIds, { endpointId, onlyFailed, onProgress: setProgress });
    setProgress(null);
    setResult(r);
    onDone();
    await client.invalidateQueries({ queryKey: ["messages", appId] });
  }
  function close() {
    if (progress !== null) return;
    setResult(null);
    matching.reset();
    onClose();
  }

  return (
    <Dialog open={open} onClose={close} title="Resend messages">
      {matching.data ? (
        <div className="space-y-3">
          <Notice>
            Replay started as background task <code className="text-xs">{matching.data.id}</code>; follow it on
            the{" "}
            <Link to="/tasks" className="underline">
              Background tasks
            </Link>{" "}
            page.
          </Notice>
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              Close
            </Button>
          </div>
        </div>
      ) : result ? (
        <div className="space-y-3">
          <Notice tone={result.failed.length ? "warning" : "success"}>
            {result.sent} resend(s) queued
            {result.skipped ? `, ${result.skipped} message(s) had no matching destination` : ""}
            {result.failed.length ? `, ${result.failed.length} failed` : ""}.
          </Notice>
          {result.failed.slice(0, 3).map((f) => (
            <ActionError key={f.msgId} error={f.error} />
          ))}
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">
            Resend {messageIds.length} message(s){" "}
            {endpointId ? (
              <>
                to endpoint <code className="text-xs">{endpointId}</code>
              </>
            ) : (
              "to the endpoints they were sent to"
            )}
            .
          </p>
          {!endpointId && (
            <CheckboxField
              label="Only where delivery failed"
              hint="Skip destinations that already succeeded."
              checked={onlyFailed}
              onChange={(e) => setOnlyFailed(e.target.checked)}
            />
          )}
          {progress !== null && (
            <ProgressBar value={progress} max={messageIds.length} label="Resend progress" />
          )}
          {endpointId && (
            <p className="text-sm text-slate-600">
              Or replay every message these filters match to this endpoint, not only the selection:
              one background task on the server, in batches, whatever the number.
            </p>
          )}
          <ActionError error={matching.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close} disabled={progress !== null}>
              Cancel
            </Button>
            {endpointId && (
              <Button onClick={() => matching.mutate()} busy={matching.isPending} disabled={progress !== null}>
                Replay all matching
              </Button>
            )}
            <Button
              variant="primary"
              onClick={() => void run()}
              busy={progress !== null}
              disabled={messageIds.length === 0}
            >
              Resend {messageIds.length}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
