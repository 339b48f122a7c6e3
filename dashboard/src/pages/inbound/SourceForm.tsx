import { type FormEvent, useState } from "react";

import { type Provider, PROVIDERS, type SourceIn } from "../../api/types";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { SelectField, TextAreaField, TextField } from "../../components/Field";
import { PROVIDER_INFO } from "./providers";

interface Props {
  initial?: { name: string; provider: string; config: Record<string, unknown> };
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (body: SourceIn) => void;
  onCancel: () => void;
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Name, provider and the provider's configuration as JSON (secrets are write-only). */
export function SourceForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? "");
  const [provider, setProvider] = useState<Provider>(
    (initial?.provider as Provider | undefined) ?? "standard-webhooks",
  );
  const [config, setConfig] = useState(
    pretty(initial?.config ?? PROVIDER_INFO["standard-webhooks"].template),
  );
  const [parseError, setParseError] = useState<string | null>(null);

  function changeProvider(next: Provider) {
    setProvider(next);
    if (!initial) setConfig(pretty(PROVIDER_INFO[next].template));
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const parsed: unknown = JSON.parse(config);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("must be a JSON object");
      const cleaned = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== ""));
      setParseError(null);
      onSubmit({ name: name.trim(), provider, config: cleaned });
    } catch (err) {
      setParseError(`Configuration ${err instanceof Error ? err.message : "is not valid JSON"}`);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      <div className="grid grid-cols-2 gap-3">
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
        label="Configuration (JSON)"
        rows={8}
        value={config}
        onChange={(e) => setConfig(e.target.value)}
        hint={`${PROVIDER_INFO[provider]?.help ?? ""} Secrets are stored encrypted and never shown again; empty values are left out.`}
      />
      {parseError && (
        <p role="alert" className="text-sm text-red-700">
          {parseError}
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
