import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";

import { sources } from "../../api/resources";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { JsonBlock } from "../../components/JsonBlock";
import { Loading } from "../../components/Loading";
import { Writable } from "../../components/Writable";
import { InboundStatsCard } from "./InboundStatsCard";
import { providerLabel } from "./providers";
import { RequestLog } from "./RequestLog";
import { SourceForm } from "./SourceForm";

export function SourceDetailPage({ appId, sourceId }: { appId: string; sourceId: string }) {
  const [editing, setEditing] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
  const src = useQuery({
    queryKey: ["source", appId, sourceId],
    queryFn: () => sources.get(appId, sourceId),
  });
  const save = useMutation({
    mutationFn: (body: { name: string; config: Record<string, unknown> }) =>
      sources.patch(appId, sourceId, body),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["source", appId, sourceId] });
      setEditing(false);
    },
  });
  const remove = useMutation({
    mutationFn: () => sources.remove(appId, sourceId),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["sources", appId] });
      await navigate({ to: "/apps/$appId/sources", params: { appId } });
    },
  });

  if (src.isPending) return <Loading label="Loading source…" />;
  if (src.isError)
    return <ErrorState error={src.error} what="the inbound source" onRetry={() => void src.refetch()} />;
  const s = src.data;

  return (
    <div className="space-y-6">
      <div className="text-xs text-slate-500">
        <Link to="/apps/$appId/sources" params={{ appId }} className="hover:underline">
          Inbound sources
        </Link>{" "}
        / <span className="font-mono">{s.id}</span>
      </div>
      <Card
        title={`${s.name} · ${providerLabel(s.provider)}`}
        actions={
          <Writable>
            <Button size="sm" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button
              size="sm"
              variant="danger"
              busy={remove.isPending}
              onClick={() =>
                window.confirm(`Delete source ${s.name}? Its ingest URL stops accepting requests.`) &&
                remove.mutate()
              }
            >
              Delete
            </Button>
          </Writable>
        }
      >
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <div>
            <p className="mb-1 text-xs font-medium text-slate-500">
              Ingest URL — give this to {providerLabel(s.provider)}
            </p>
            <div className="flex items-center gap-2">
              <code className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1.5 text-xs">
                {s.ingestUrl}
              </code>
              <CopyButton text={s.ingestUrl} />
            </div>
          </div>
          <div>
            <p className="mb-1 text-xs font-medium text-slate-500">Configuration (secrets hidden)</p>
            <JsonBlock value={s.config} label="Source configuration" maxHeight="max-h-40" />
          </div>
        </div>
        <ActionError error={remove.error} />
      </Card>
      <InboundStatsCard appId={appId} provider={s.provider} title="Traffic from this provider" />
      <RequestLog appId={appId} sourceId={s.id} />
      <Dialog open={editing} onClose={() => setEditing(false)} title="Edit source" wide>
        <SourceForm
          initial={{ name: s.name, provider: s.provider, config: s.config }}
          submitLabel="Save"
          busy={save.isPending}
          error={save.error}
          onSubmit={(b) => save.mutate({ name: b.name, config: b.config })}
          onCancel={() => setEditing(false)}
        />
      </Dialog>
    </div>
  );
}
