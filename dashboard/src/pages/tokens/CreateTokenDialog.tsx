import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { apps, tokens } from "../../api/resources";
import type { Scope } from "../../api/types";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../../components/Field";
import { APP_KEY_DEFAULT, parseAllowlist, SCOPE_CHOICES } from "./scopes";
import { ShowSecretOnce } from "./ShowSecretOnce";

const EXPIRY_CHOICES = [
  { label: "Never", seconds: 0 },
  { label: "1 day", seconds: 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
  { label: "90 days", seconds: 90 * 86_400 },
  { label: "1 year", seconds: 365 * 86_400 },
];

/** Creates a key (scopes, application, IP allowlist, expiry) and shows it exactly once. */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [appId, setAppId] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["admin"]);
  const [allowlist, setAllowlist] = useState("");
  const [expiresIn, setExpiresIn] = useState(0);
  const client = useQueryClient();
  const appList = useQuery({
    queryKey: ["apps", "options"],
    queryFn: () => apps.list({ limit: 250 }),
    enabled: open,
  });
  const create = useMutation({
    mutationFn: () =>
      tokens.create({
        name: name.trim(),
        appId: appId || undefined,
        scopes,
        allowedIps: parseAllowlist(allowlist),
        expiresIn: expiresIn || undefined,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tokens"] }),
  });

  function close() {
    create.reset();
    setName("");
    setAppId("");
    setScopes(["admin"]);
    setAllowlist("");
    setExpiresIn(0);
    onClose();
  }
  function chooseApp(value: string) {
    setAppId(value);
    // admin means every application; a key for one starts from what such keys always had.
    setScopes(value ? APP_KEY_DEFAULT : ["admin"]);
  }
  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <Dialog open={open} onClose={close} title="New API key">
      {create.data ? (
        <ShowSecretOnce token={create.data.token} onDone={close} />
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="CRM sync"
          />
          <SelectField
            label="Applications"
            value={appId}
            onChange={(e) => chooseApp(e.target.value)}
            hint="A key for one application cannot see or change any other."
          >
            <option value="">All applications</option>
            {appList.data?.data.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </SelectField>
          <fieldset className="space-y-2">
            <legend className="mb-1 text-xs font-medium text-slate-700">Scopes</legend>
            {SCOPE_CHOICES.map(({ scope, label }) => (
              <CheckboxField
                key={scope}
                label={<span className="font-mono text-xs">{scope}</span>}
                hint={label}
                checked={scopes.includes(scope)}
                disabled={scope === "admin" && appId !== ""}
                onChange={(e) => toggle(scope, e.target.checked)}
              />
            ))}
          </fieldset>
          <TextAreaField
            label="Allowed addresses"
            rows={2}
            value={allowlist}
            onChange={(e) => setAllowlist(e.target.value)}
            placeholder="10.0.0.0/8, 203.0.113.7"
            hint="Addresses or CIDR ranges, separated by commas or spaces. Empty: from anywhere."
          />
          <SelectField
            label="Expires"
            value={expiresIn}
            onChange={(e) => setExpiresIn(Number(e.target.value))}
          >
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <ActionError error={create.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending} disabled={scopes.length === 0}>
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
