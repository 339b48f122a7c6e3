import { type FormEvent, useState } from "react";

import { type Provider, PROVIDERS, type SourceIn } from "../../api/types";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { AllowlistEditor } from "./AllowlistEditor";
import { PROVIDER_INFO } from "./providers";
import { RateLimitEditor } from "./RateLimitEditor";
import { joinConfig, limitError, type LimitRow, splitConfig } from "./source-config";

interface Props {
  initial?: { name: string; provider: string; config: Record<string, unknown> };
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (body: SourceIn) => void;
  onCancel: () => void;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/**
 * Name, provider, the provider's own fields as JSON (they differ by provider; secrets are
 * write-only), and form controls for what every source shares: the IP allowlist and rate limits.
 */
export function SourceForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const start = splitConfig(initial?.config ?? PROVIDER_INFO["standard-webhooks"].template);
  const [name, setName] = useState(initial?.name ?? "");
  const [provider, setProvider] = useState<Provider>(
    (initial?.provider as Provider | undefined) ?? "standard-webhooks",
  );
  const [config, setConfig] = useState(pretty(start.provider));
  const [allowlist, setAllowlist] = useState(start.allowlist);
  const [limitMode, setLimitMode] = useState(start.limitMode);
  const [limits, setLimits] = useState<LimitRow[]>(start.limits);
  const [formError, setFormError] = useState<string | null>(null);

  function changeProvider(next: Provider) {
    setProvider(next);
    if (!initial) setConfig(pretty(PROVIDER_INFO[next].template));
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(config);
    } catch {
      return setFormError("Provider settings are not valid JSON");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      return setFormError("Provider settings must be a JSON object");
    const bad = limitMode === "custom" ? limitError(limits) : null;
    if (bad) return setFormError(bad);
    setFormError(null);
    const body = joinConfig({ provider: parsed as Record<string, unknown>, allowlist, limitMode, limits });
    onSubmit({ name: name.trim(), provider, config: body });
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Careem orders"
        />
        <SelectField
          label="Provider"
          value={provider}
          onChange={(e) => changeProvider(e.target.value as Provider)}
          disabled={Boolean(initial)}
        >
          {PROVIDERS.map((p) => (
            <option key={p} value={p}>
              {PROVIDER_INFO[p].label}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField
        label="Provider settings (JSON)"
        rows={5}
        value={config}
        onChange={(e) => setConfig(e.target.value)}
        hint={`${PROVIDER_INFO[provider]?.help ?? ""} Secrets are stored encrypted and never shown again; empty values are left out.`}
      />
      <AllowlistEditor value={allowlist} onChange={setAllowlist} />
      <RateLimitEditor
        mode={limitMode}
        rows={limits}
        onChange={(mode, rows) => {
          setLimitMode(mode);
          setLimits(rows);
        }}
      />
      {formError && (
        <p role="alert" className="text-sm text-red-700">
          {formError}
        </p>
      )}
      <ActionError error={error} />
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
