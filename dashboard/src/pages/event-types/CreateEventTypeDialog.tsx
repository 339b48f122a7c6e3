import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { eventTypes } from "../../api/resources";
import type { EventTypeIn } from "../../api/types";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { TextAreaField, TextField } from "../../components/Field";

const EXAMPLE = `{
  "type": "object",
  "properties": {
    "id": { "type": "string" }
  },
  "required": ["id"]
}`;

export function CreateEventTypeDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [schema, setSchema] = useState("");
  const [parseError, setParseError] = useState<string | null>(null);
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: (body: EventTypeIn) => eventTypes.create(body),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["event-types"] });
      setName("");
      setDescription("");
      setSchema("");
      onClose();
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    let schemas: Record<string, unknown> | undefined;
    if (schema.trim()) {
      try {
        schemas = { "1": JSON.parse(schema) as unknown };
      } catch {
        setParseError("The schema is not valid JSON.");
        return;
      }
    }
    setParseError(null);
    create.mutate({ name: name.trim(), description: description.trim(), schemas });
  }

  return (
    <Dialog open={open} onClose={onClose} title="New event type" wide>
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="order.created"
          pattern="[a-zA-Z0-9\-_.]+"
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="An order was placed"
        />
        <TextAreaField
          label="JSON Schema (optional)"
          rows={8}
          value={schema}
          onChange={(e) => setSchema(e.target.value)}
          placeholder={EXAMPLE}
          hint="Stored as version 1 of the schema."
        />
        {parseError && (
          <p role="alert" className="text-sm text-red-700">
            {parseError}
          </p>
        )}
        <ActionError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create event type
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
