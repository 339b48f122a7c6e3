import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { endpoints, messages } from "../../api/resources";
import type { EndpointTransformationOut, MessageOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { CheckboxField, SelectField, TextAreaField } from "../../components/Field";
import { JsonBlock } from "../../components/JsonBlock";
import { Loading } from "../../components/Loading";
import { Notice } from "../../components/Notice";

const EXAMPLE = `function handler(webhook) {
  // webhook.payload, webhook.eventType, webhook.url, webhook.method
  webhook.headers["x-example"] = "1";
  return webhook;
}`;

/**
 * The endpoint's transformation (ADR 16): the `handler(webhook)` code, its switch, and a test
 * run against one of the application's recent messages (the server's simulate route).
 */
export function TransformationCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const current = useQuery({
    queryKey: ["endpoint-transformation", appId, endpointId],
    queryFn: () => endpoints.transformation(appId, endpointId).get(),
  });
  // Kept here: saving refetches the transformation, which re-creates the form below.
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Transformation" description="JavaScript run on each delivery before it is signed and sent">
      {current.isPending && <Loading />}
      {current.isError && <ErrorState error={current.error} what="the transformation" compact />}
      {current.data && (
        <TransformationForm
          key={current.dataUpdatedAt}
          appId={appId}
          endpointId={endpointId}
          stored={current.data}
          onSaved={setSaved}
        />
      )}
      {saved && (
        <div className="mt-3">
          <Notice>Transformation saved.</Notice>
        </div>
      )}
    </Card>
  );
}

interface FormProps {
  appId: string;
  endpointId: string;
  stored: EndpointTransformationOut;
  onSaved: (saved: boolean) => void;
}

function TransformationForm({ appId, endpointId, stored, onSaved }: FormProps) {
  const [code, setCode] = useState(stored.code ?? EXAMPLE);
  const [enabled, setEnabled] = useState(stored.enabled);
  const client = useQueryClient();
  const api = endpoints.transformation(appId, endpointId);
  const save = useMutation({
    mutationFn: () => api.patch({ code, enabled }),
    onMutate: () => onSaved(false),
    onSuccess: async () => {
      onSaved(true);
      await client.invalidateQueries({ queryKey: ["endpoint-transformation", appId, endpointId] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-3">
        <TextAreaField
          label="Code"
          hint="Receives { method, url, eventType, payload, headers, cancel }; may change them and returns the webhook. Set cancel = true to skip the delivery."
          value={code}
          onChange={(e) => setCode(e.target.value)}
          rows={10}
          spellCheck={false}
          aria-label="Transformation code"
        />
        <CheckboxField label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <div className="flex justify-end">
          <Button type="submit" size="sm" variant="primary" busy={save.isPending}>
            Save transformation
          </Button>
        </div>
        <ActionError error={save.error} />
      </form>
      <TestRun appId={appId} endpointId={endpointId} code={code} />
    </div>
  );
}

/** Runs the code in the editor (saved or not) on a recent message of the application. */
function TestRun({ appId, endpointId, code }: { appId: string; endpointId: string; code: string }) {
  const recent = useQuery({
    queryKey: ["messages", appId, "recent-for-transformation"],
    queryFn: () => messages.list(appId, { limit: 10 }),
  });
  const [chosen, setChosen] = useState("");
  const list: MessageOut[] = recent.data?.data ?? [];
  const message = list.find((m) => m.id === chosen) ?? list[0];
  const run = useMutation({
    mutationFn: (m: MessageOut) =>
      endpoints.transformation(appId, endpointId).simulate({
        code,
        eventType: m.eventType,
        payload: (m.payload ?? {}) as Record<string, unknown>,
      }),
  });
  return (
    <div className="space-y-3 border-t border-slate-200 pt-4">
      {recent.isPending && <Loading />}
      {recent.data && list.length === 0 && (
        <p className="text-sm text-slate-500">Send a message to this application to test against it.</p>
      )}
      {message && (
        <SelectField label="Recent message" value={message.id} onChange={(e) => setChosen(e.target.value)}>
          {list.map((m) => (
            <option key={m.id} value={m.id}>
              {m.eventType} · {m.id}
            </option>
          ))}
        </SelectField>
      )}
      <Button
        type="button"
        size="sm"
        disabled={!message}
        busy={run.isPending}
        onClick={() => message && run.mutate(message)}
      >
        Test run
      </Button>
      <ActionError error={run.error} />
      {run.data && (
        <div className="space-y-2" data-testid="transformation-result">
          {run.data.cancel ? (
            <Notice>Cancelled: this delivery would not be sent.</Notice>
          ) : (
            <p className="text-xs text-slate-600">
              <span className="font-mono">{run.data.method}</span> {run.data.url} · event type{" "}
              <span className="font-mono">{run.data.eventType}</span>
            </p>
          )}
          <JsonBlock label="Transformed payload" value={safeParse(run.data.payload)} maxHeight="max-h-64" />
          {Object.keys(run.data.headers).length > 0 && (
            <JsonBlock label="Added headers" value={run.data.headers} maxHeight="max-h-32" />
          )}
        </div>
      )}
    </div>
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
