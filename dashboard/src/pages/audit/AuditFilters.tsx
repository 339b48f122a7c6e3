import { type FormEvent, useState } from "react";

import type { AuditQuery } from "../../api/resources";
import { Button } from "../../components/Button";
import { TextField } from "../../components/Field";
import { isoToLocalInput, localInputToIso } from "../../lib/format";

/** The filter form; the list follows the filters applied with "Apply". */
export function AuditFilters({ value, onApply }: { value: AuditQuery; onApply: (next: AuditQuery) => void }) {
  const [draft, setDraft] = useState({
    action: value.action ?? "",
    actor: value.actor ?? "",
    resource_id: value.resource_id ?? "",
    since: value.since ? isoToLocalInput(value.since) : "",
    until: value.until ? isoToLocalInput(value.until) : "",
  });
  const set = (key: keyof typeof draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }));

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply({
      action: draft.action.trim() || undefined,
      actor: draft.actor.trim() || undefined,
      resource_id: draft.resource_id.trim() || undefined,
      since: localInputToIso(draft.since),
      until: localInputToIso(draft.until),
    });
  }
  function reset() {
    setDraft({ action: "", actor: "", resource_id: "", since: "", until: "" });
    onApply({});
  }

  return (
    <form
      onSubmit={submit}
      role="search"
      aria-label="Filter the audit log"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <TextField
          label="Action"
          value={draft.action}
          onChange={set("action")}
          placeholder="endpoint.* or token.revoke"
        />
        <TextField
          label="Actor"
          value={draft.actor}
          onChange={set("actor")}
          placeholder="tok_…, a name, cli, portal"
        />
        <TextField
          label="Resource ID"
          value={draft.resource_id}
          onChange={set("resource_id")}
          placeholder="ep_…, app_…"
        />
        <TextField label="From" type="datetime-local" value={draft.since} onChange={set("since")} />
        <TextField label="Until" type="datetime-local" value={draft.until} onChange={set("until")} />
      </div>
      <div className="mt-3 flex justify-end gap-2">
        <Button type="button" size="sm" onClick={reset}>
          Reset
        </Button>
        <Button type="submit" size="sm" variant="primary">
          Apply
        </Button>
      </div>
    </form>
  );
}
