import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";

import { endpoints, eventTypes } from "../../api/resources";
import type { EndpointOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError } from "../../components/ErrorState";
import { SelectField, TextField } from "../../components/Field";
import { Notice } from "../../components/Notice";
import { filterTypesOf } from "./fields";

/** "Send test event": Svix's send-example delivers a sample payload of the chosen type. */
export function SendExampleCard({ appId, endpoint }: { appId: string; endpoint: EndpointOut }) {
  const catalog = useQuery({
    queryKey: ["event-types", "all"],
    queryFn: () => eventTypes.list({ limit: 250 }),
  });
  const filtered = filterTypesOf(endpoint);
  const options = filtered.length ? filtered : (catalog.data?.data.map((t) => t.name) ?? []);
  const [eventType, setEventType] = useState("");
  const chosen = eventType || options[0] || "";
  const client = useQueryClient();
  const send = useMutation({
    mutationFn: () => endpoints.sendExample(appId, endpoint.id, chosen),
    onSuccess: () => client.invalidateQueries({ queryKey: ["attempts", "endpoint", appId, endpoint.id] }),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (chosen) send.mutate();
  }

  return (
    <Card title="Send test event">
      <form onSubmit={submit} className="space-y-3">
        {options.length > 0 ? (
          <SelectField label="Event type" value={chosen} onChange={(e) => setEventType(e.target.value)}>
            {options.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </SelectField>
        ) : (
          <TextField
            label="Event type"
            value={eventType}
            onChange={(e) => setEventType(e.target.value)}
            placeholder="order.created"
            required
          />
        )}
        <Button type="submit" variant="primary" size="sm" busy={send.isPending} disabled={!chosen}>
          Send test event
        </Button>
      </form>
      {send.data && (
        <div className="mt-3">
          <Notice>
            Sent{" "}
            <Link
              to="/apps/$appId/messages/$msgId"
              params={{ appId, msgId: send.data.id }}
              className="font-mono underline"
            >
              {send.data.id}
            </Link>
          </Notice>
        </div>
      )}
      <ActionError error={send.error} />
    </Card>
  );
}
