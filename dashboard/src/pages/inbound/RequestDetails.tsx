import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";

import { sources } from "../../api/resources";
import { ErrorState } from "../../components/ErrorState";
import { JsonBlock } from "../../components/JsonBlock";
import { Loading } from "../../components/Loading";
import { formatDate, formatMs } from "../../lib/format";

/**
 * One inbound request as received: headers (credentials redacted by the server) and body, and
 * every re-process with the message it made.
 */
export function RequestDetails({
  appId,
  sourceId,
  requestId,
}: {
  appId: string;
  sourceId: string;
  requestId: string;
}) {
  const q = useQuery({
    queryKey: ["inbound-request", appId, sourceId, requestId],
    queryFn: () => sources.request(appId, sourceId, requestId),
  });
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} what="the request" compact />;
  const r = q.data;
  const body = r.bodyEncoding === "base64" ? `(base64) ${r.body}` : r.body;
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <div className="space-y-2 text-xs">
        <p>
          <span className="text-slate-500">From</span> <span className="font-mono">{r.sourceIp ?? "—"}</span>{" "}
          · <span className="text-slate-500">processed in</span> {formatMs(r.processingMs)}
          {r.retriedAt && (
            <>
              {" "}
              · <span className="text-slate-500">re-processed</span> {formatDate(r.retriedAt)}
            </>
          )}
        </p>
        {r.reprocesses.length > 0 && (
          <div>
            <p className="font-medium text-slate-500">Re-processed</p>
            <ul className="mt-1 space-y-1" aria-label={`Re-processes of ${r.id}`}>
              {r.reprocesses.map((p) => (
                <li key={p.id}>
                  <Link
                    to="/apps/$appId/messages/$msgId"
                    params={{ appId, msgId: p.msgId }}
                    className="font-mono text-indigo-700 hover:underline"
                  >
                    {p.msgId}
                  </Link>{" "}
                  · {formatDate(p.createdAt)} · by {p.actorName}
                  {p.forced && (
                    <span className="ml-1 rounded bg-red-50 px-1 font-medium text-red-700">forced</span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        <p className="font-medium text-slate-500">Headers</p>
        <JsonBlock value={r.headers} label={`Headers of ${r.id}`} maxHeight="max-h-56" />
      </div>
      <div className="text-xs">
        <p className="mb-2 font-medium text-slate-500">Body{r.bodyTruncated ? " (first 4 KiB)" : ""}</p>
        <JsonBlock value={body} label={`Body of ${r.id}`} maxHeight="max-h-64" />
      </div>
    </div>
  );
}
