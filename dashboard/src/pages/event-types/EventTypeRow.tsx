import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { eventTypes } from "../../api/resources";
import type { EventTypeOut } from "../../api/types";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { JsonBlock } from "../../components/JsonBlock";
import { RetryScheduleCard } from "../../components/RetryScheduleCard";

export function EventTypeRow({ eventType: t }: { eventType: EventTypeOut }) {
  const [open, setOpen] = useState(false);
  const [retries, setRetries] = useState(false);
  const client = useQueryClient();
  const archive = useMutation({
    mutationFn: () => eventTypes.patch(t.name, { archived: !t.archived }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["event-types"] }),
  });
  const versions = Object.keys(t.schemas ?? {});
  return (
    <li className="px-5 py-3">
      <div className="flex items-center justify-between gap-4">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <code className="text-sm font-semibold text-slate-900">{t.name}</code>
            {t.archived && (
              <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">archived</span>
            )}
            {t.deprecated && (
              <span className="rounded bg-amber-50 px-1.5 text-xs text-amber-800">deprecated</span>
            )}
          </div>
          <p className="truncate text-sm text-slate-500">{t.description || "No description"}</p>
        </div>
        <div className="flex shrink-0 gap-2">
          <Button
            size="sm"
            variant="ghost"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            disabled={versions.length === 0}
          >
            {versions.length ? (open ? "Hide schema" : "Schema") : "No schema"}
          </Button>
          <Button size="sm" variant="ghost" aria-expanded={retries} onClick={() => setRetries(!retries)}>
            {retries ? "Hide retries" : "Retries"}
          </Button>
          <Button size="sm" onClick={() => archive.mutate()} busy={archive.isPending}>
            {t.archived ? "Restore" : "Archive"}
          </Button>
        </div>
      </div>
      <ActionError error={archive.error} />
      {retries && (
        <div className="mt-3 max-w-xl">
          <RetryScheduleCard
            bare
            level="event type"
            inherits="application or server default"
            queryKey={["retry-schedule", "event-type", t.name]}
            load={() => eventTypes.retrySchedule(t.name).get()}
            save={(seconds) => eventTypes.retrySchedule(t.name).put(seconds)}
          />
        </div>
      )}
      {open && (
        <div className="mt-3 space-y-2">
          {versions.map((v) => (
            <div key={v}>
              <p className="mb-1 text-xs font-medium text-slate-500">Version {v}</p>
              <JsonBlock
                value={t.schemas?.[v]}
                label={`JSON Schema of ${t.name} version ${v}`}
                maxHeight="max-h-72"
              />
            </div>
          ))}
        </div>
      )}
    </li>
  );
}
