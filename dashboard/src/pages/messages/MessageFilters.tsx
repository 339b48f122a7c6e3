import { useQuery } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";

import { endpoints, eventTypes } from "../../api/resources";
import { Button } from "../../components/Button";
import { SelectField, TextField } from "../../components/Field";
import type { MessageSearch } from "./search";

/** The search form; submitting writes the filters into the URL, which drives the list. */
export function MessageFilters({
  appId,
  search,
  onChange,
}: {
  appId: string;
  search: MessageSearch;
  onChange: () => void;
}) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<MessageSearch>(search);
  const eps = useQuery({
    queryKey: ["endpoints", appId, "options"],
    queryFn: () => endpoints.list(appId, { limit: 250 }),
  });
  const types = useQuery({
    queryKey: ["event-types", "all"],
    queryFn: () => eventTypes.list({ limit: 250 }),
  });
  const set = (key: keyof MessageSearch, value: string) =>
    setDraft((d) => ({ ...d, [key]: value || undefined }));

  function apply(next: MessageSearch) {
    onChange();
    void navigate({ to: "/apps/$appId/messages", params: { appId }, search: next });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    apply({ ...draft, status: draft.endpoint ? draft.status : undefined });
  }
  function reset() {
    setDraft({});
    apply({});
  }

  return (
    <form
      onSubmit={submit}
      role="search"
      aria-label="Filter messages"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-6">
        <TextField
          label="Message ID"
          value={draft.id ?? ""}
          onChange={(e) => set("id", e.target.value)}
          placeholder="msg_…"
        />
        <TextField
          label="Event type"
          list="event-type-options"
          value={draft.eventType ?? ""}
          onChange={(e) => set("eventType", e.target.value)}
          placeholder="order.created"
        />
        <datalist id="event-type-options">
          {types.data?.data.map((t) => (
            <option key={t.name} value={t.name} />
          ))}
        </datalist>
        <SelectField
          label="Endpoint"
          value={draft.endpoint ?? ""}
          onChange={(e) => set("endpoint", e.target.value)}
        >
          <option value="">All endpoints</option>
          {eps.data?.data.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.url}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Delivery status"
          value={draft.endpoint ? (draft.status ?? "") : ""}
          onChange={(e) => set("status", e.target.value)}
          disabled={!draft.endpoint}
          title={draft.endpoint ? undefined : "Choose an endpoint to filter by delivery status"}
        >
          <option value="">Any status</option>
          <option value="success">Succeeded</option>
          <option value="fail">Failed</option>
          <option value="pending">Pending</option>
          <option value="sending">Sending</option>
        </SelectField>
        <TextField
          label="From"
          type="datetime-local"
          value={draft.after ?? ""}
          onChange={(e) => set("after", e.target.value)}
        />
        <TextField
          label="To"
          type="datetime-local"
          value={draft.before ?? ""}
          onChange={(e) => set("before", e.target.value)}
        />
      </div>
      <div className="mt-3 flex items-center justify-between">
        <p className="text-xs text-slate-500">
          {draft.id
            ? "A message ID looks up that one message; other filters are ignored."
            : "Separate several event types with commas."}
        </p>
        <div className="flex gap-2">
          <Button onClick={reset}>Reset</Button>
          <Button type="submit" variant="primary">
            Search
          </Button>
        </div>
      </div>
    </form>
  );
}
