import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { OPERATIONAL_EVENT_TYPES } from "../../../../server/src/contract/operational-webhooks";
import { operationalWebhooks } from "../../api/resources";
import { Button } from "../../components/Button";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { CheckboxField, TextField } from "../../components/Field";
import { Notice } from "../../components/Notice";

/**
 * Adds an operational-webhook endpoint (URL, description, event types; none ticked = every
 * type) and then shows its signing secret once, for the receiver's Standard Webhooks check.
 */
export function CreateOperationalEndpointDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: async () => {
      const endpoint = await operationalWebhooks.create({
        url: url.trim(),
        description: description.trim() || undefined,
        eventTypes: types.length > 0 ? types : null,
      });
      const { key } = await operationalWebhooks.secret(endpoint.id);
      return { endpoint, key };
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["operational-endpoints"] }),
  });

  function close() {
    create.reset();
    setUrl("");
    setDescription("");
    setTypes([]);
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }
  function toggle(type: string, on: boolean) {
    setTypes((current) => (on ? [...current, type] : current.filter((t) => t !== type)));
  }

  return (
    <Dialog open={open} onClose={close} title="New operational endpoint">
      {create.data ? (
        <div className="space-y-3">
          <Notice tone="warning">
            Copy the signing secret now: the receiver verifies every event with it (Standard Webhooks). It is
            not shown here again.
          </Notice>
          <div className="flex items-center gap-2">
            <code
              aria-label="Signing secret"
              data-testid="operational-secret"
              className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all"
            >
              {create.data.key}
            </code>
            <CopyButton text={create.data.key} />
          </div>
          <div className="flex justify-end">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="URL"
            required
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://ops.example.com/hookrelay"
          />
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            placeholder="On-call pager"
          />
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">Event types (none ticked: all)</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {OPERATIONAL_EVENT_TYPES.map((type) => (
                <CheckboxField
                  key={type}
                  label={type}
                  checked={types.includes(type)}
                  onChange={(e) => toggle(type, e.target.checked)}
                />
              ))}
            </div>
          </fieldset>
          <ActionError error={create.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button variant="primary" type="submit" busy={create.isPending}>
              Create
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
