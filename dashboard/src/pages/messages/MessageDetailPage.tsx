import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";

import { messages } from "../../api/resources";
import { Card } from "../../components/Card";
import { ErrorState } from "../../components/ErrorState";
import { JsonBlock } from "../../components/JsonBlock";
import { Loading } from "../../components/Loading";
import { formatDate } from "../../lib/format";
import { DestinationsCard } from "./DestinationsCard";
import { MessageAttemptsCard } from "./MessageAttemptsCard";

/** One message: its payload, where it went (with resend) and every attempt's response. */
export function MessageDetailPage({ appId, msgId }: { appId: string; msgId: string }) {
  const msg = useQuery({ queryKey: ["message", appId, msgId], queryFn: () => messages.get(appId, msgId) });

  return (
    <div className="space-y-6">
      <div className="text-xs text-slate-500">
        <Link to="/apps/$appId/messages" params={{ appId }} search={{}} className="hover:underline">
          Messages
        </Link>{" "}
        / <span className="font-mono">{msgId}</span>
      </div>
      {msg.isPending && <Loading label="Loading message…" />}
      {msg.isError && <ErrorState error={msg.error} what="the message" onRetry={() => void msg.refetch()} />}
      {msg.data && (
        <div className="grid grid-cols-1 gap-6 xl:grid-cols-3">
          <Card title="Message" className="xl:col-span-1">
            <dl className="space-y-2 text-sm">
              <div>
                <dt className="text-xs text-slate-500">ID</dt>
                <dd className="font-mono text-xs break-all">{msg.data.id}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Event type</dt>
                <dd>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{msg.data.eventType}</code>
                </dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Event ID</dt>
                <dd className="font-mono text-xs">{msg.data.eventId ?? "—"}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-500">Created</dt>
                <dd>{formatDate(msg.data.timestamp)}</dd>
              </div>
              {msg.data.channels && msg.data.channels.length > 0 && (
                <div>
                  <dt className="text-xs text-slate-500">Channels</dt>
                  <dd>{msg.data.channels.join(", ")}</dd>
                </div>
              )}
            </dl>
          </Card>
          <Card title="Payload" className="xl:col-span-2">
            <JsonBlock value={msg.data.payload} label="Message payload" maxHeight="max-h-72" />
          </Card>
        </div>
      )}
      <DestinationsCard appId={appId} msgId={msgId} />
      <MessageAttemptsCard appId={appId} msgId={msgId} />
    </div>
  );
}
