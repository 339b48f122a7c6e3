import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { CheckboxField } from "../../components/Field";
import { Notice } from "../../components/Notice";
import { bulkResend, type BulkResult } from "./bulkResend";

interface Props {
  open: boolean;
  onClose: () => void;
  appId: string;
  messageIds: string[];
  endpointId?: string;
  onDone: () => void;
}

export function BulkResendDialog({ open, onClose, appId, messageIds, endpointId, onDone }: Props) {
  const [onlyFailed, setOnlyFailed] = useState(true);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const client = useQueryClient();

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
    onClose();
  }

  return (
    <Dialog open={open} onClose={close} title="Resend messages">
      {result ? (
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
            <div
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={messageIds.length}
              aria-valuenow={progress}
              className="h-2 overflow-hidden rounded bg-slate-100"
            >
              <div
                className="h-full bg-indigo-500 transition-all"
                style={{ width: `${(progress / Math.max(1, messageIds.length)) * 100}%` }}
              />
            </div>
          )}
          <div className="flex justify-end gap-2">
            <Button onClick={close} disabled={progress !== null}>
              Cancel
            </Button>
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
