import { type FormEvent, useState } from "react";

import type { SignatureAlgorithm, SignatureScheme } from "../../api/types";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../../components/Field";
import { parseFilterText } from "./contentFilterText";
import { ALGORITHM_LABELS, type EndpointDraft, SCHEME_LABELS } from "./fields";
import { FilterTypesPicker } from "./FilterTypesPicker";

interface Props {
  initial: EndpointDraft;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (draft: EndpointDraft) => void;
  onCancel?: () => void;
  /** Editing shows the enable/disable switch; creating always starts enabled. */
  editing?: boolean;
}

/** One `<option>` per entry of a value → label map. */
function optionsOf(labels: Record<string, string>) {
  return Object.entries(labels).map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));
}

export function EndpointForm({ initial, submitLabel, busy, error, onSubmit, onCancel, editing }: Props) {
  const [draft, setDraft] = useState(initial);
  const set = <K extends keyof EndpointDraft>(key: K, value: EndpointDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const filter = parseFilterText(draft.filter);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!filter.ok) return;
    onSubmit(draft);
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      {!editing && (
        <CheckboxField
          label="Polling endpoint"
          hint="No URL: the receiver pulls its messages through the poller API instead of being sent them."
          checked={draft.polling}
          onChange={(e) => set("polling", e.target.checked)}
        />
      )}
      {!draft.polling && (
        <TextField
          label="Endpoint URL"
          type="url"
          required
          value={draft.url}
          onChange={(e) => set("url", e.target.value)}
          placeholder="https://example.com/webhooks"
        />
      )}
      <TextField
        label="Description"
        value={draft.description}
        onChange={(e) => set("description", e.target.value)}
        placeholder="Production order sync"
      />
      <FilterTypesPicker value={draft.filterTypes} onChange={(v) => set("filterTypes", v)} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <TextField
          label="Channels"
          value={draft.channels}
          onChange={(e) => set("channels", e.target.value)}
          placeholder="eu, priority"
          hint="Comma-separated; empty = all"
        />
        <TextField
          label="Rate limit (per second)"
          type="number"
          min={1}
          max={65535}
          value={draft.rateLimit}
          onChange={(e) => set("rateLimit", e.target.value)}
          placeholder="Unlimited"
        />
        <TextField
          label="In flight at most"
          type="number"
          min={1}
          max={10000}
          value={draft.maxInFlight}
          onChange={(e) => set("maxInFlight", e.target.value)}
          placeholder="Server default"
        />
        <TextField
          label="Disable after failures in a row"
          type="number"
          min={1}
          value={draft.disableAfterFailures}
          onChange={(e) => set("disableAfterFailures", e.target.value)}
          placeholder="Never"
        />
        <TextField
          label="UID"
          value={draft.uid}
          onChange={(e) => set("uid", e.target.value)}
          placeholder="optional"
          pattern="[a-zA-Z0-9\-_.]+"
        />
      </div>
      {!draft.polling && (
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <SelectField
            label="Signature format"
            value={draft.signatureScheme}
            onChange={(e) => set("signatureScheme", e.target.value as SignatureScheme)}
            hint="X-Webhook-Signature is for receivers written for t=…,v1=… (HMAC keys only)."
          >
            {optionsOf(SCHEME_LABELS)}
          </SelectField>
          {!editing && (
            <SelectField
              label="Signing key"
              value={draft.signatureAlgorithm}
              onChange={(e) => set("signatureAlgorithm", e.target.value as SignatureAlgorithm)}
              hint="ed25519: receivers verify with a public key, no shared secret."
            >
              {optionsOf(ALGORITHM_LABELS)}
            </SelectField>
          )}
        </div>
      )}
      <div>
        <TextAreaField
          label="Content filter"
          rows={draft.filter.split("\n").length > 3 ? 8 : 3}
          value={draft.filter}
          onChange={(e) => set("filter", e.target.value)}
          placeholder='{"data": {"amount": {"$gte": 100}}}'
          spellCheck={false}
          aria-invalid={!filter.ok}
          hint="JSON; only messages whose payload matches are delivered. Empty = every payload. Operators: $eq, $neq, $in, $nin, $gt, $gte, $lt, $lte, $exists, $and, $or, $not."
        />
        {!filter.ok && (
          <p role="alert" data-filter-error className="mt-1 text-xs text-red-700">
            {filter.error}
          </p>
        )}
      </div>
      {!draft.polling && (
        <CheckboxField
          label="FIFO"
          hint="One delivery at a time, in message order: a failing message holds the later ones until it succeeds, runs out of retries or is skipped."
          checked={draft.fifo}
          onChange={(e) => set("fifo", e.target.checked)}
        />
      )}
      {editing && (
        <CheckboxField
          label="Disabled"
          hint="A disabled endpoint receives no new deliveries."
          checked={draft.disabled}
          onChange={(e) => set("disabled", e.target.checked)}
        />
      )}
      <ActionError error={error} />
      <div className="flex justify-end gap-2">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" busy={busy} disabled={!filter.ok}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
