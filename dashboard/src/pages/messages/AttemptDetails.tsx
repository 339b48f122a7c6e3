import type { MessageAttemptOut } from "../../api/types";
import { JsonBlock } from "../../components/JsonBlock";
import { formatDate, formatMs } from "../../lib/format";

export function AttemptDetails({ attempt }: { attempt: MessageAttemptOut }) {
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
      <dl className="space-y-1.5 text-xs">
        <div>
          <dt className="text-slate-500">Attempt</dt>
          <dd className="font-mono">{attempt.id}</dd>
        </div>
        <div>
          <dt className="text-slate-500">URL</dt>
          <dd className="font-mono break-all">{attempt.url}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Response status</dt>
          <dd className="font-mono">{attempt.responseStatusCode || "no response"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Duration</dt>
          <dd>{formatMs(attempt.responseDurationMs)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Sent at</dt>
          <dd>{formatDate(attempt.timestamp)}</dd>
        </div>
      </dl>
      <div className="lg:col-span-2">
        <p className="mb-1 text-xs font-medium text-slate-500">Response body</p>
        <JsonBlock value={attempt.response} label={`Response body of ${attempt.id}`} maxHeight="max-h-60" />
      </div>
    </div>
  );
}
