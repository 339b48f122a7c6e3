import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { endpoints } from "../../api/resources";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { ActionError } from "../../components/ErrorState";
import { TextField } from "../../components/Field";
import { Notice } from "../../components/Notice";
import { isoToLocalInput, localInputToIso } from "../../lib/format";

/** Svix "recover": re-sends every message that failed to this endpoint since a moment. */
export function RecoverCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [since, setSince] = useState(() => isoToLocalInput(Date.now() - 24 * 3600 * 1000));
  const client = useQueryClient();
  const recover = useMutation({
    mutationFn: () =>
      endpoints.recover(appId, endpointId, localInputToIso(since) ?? new Date().toISOString()),
    // The task shows up, with its progress, in the endpoint's background-task card.
    onSuccess: () => client.invalidateQueries({ queryKey: ["background-tasks"] }),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    recover.mutate();
  }

  return (
    <Card title="Recover failed messages" description="Resend every failed message since a date">
      <form onSubmit={submit} className="flex items-end gap-2">
        <TextField
          label="Since"
          type="datetime-local"
          required
          value={since}
          onChange={(e) => setSince(e.target.value)}
          className="flex-1"
        />
        <Button type="submit" busy={recover.isPending}>
          Recover
        </Button>
      </form>
      {recover.isSuccess && (
        <div className="mt-2">
          <Notice>
            Recovery started as a background task (<code className="text-xs">{recover.data.id}</code>); its
            progress is shown above and on the Background tasks page.
          </Notice>
        </div>
      )}
      <ActionError error={recover.error} />
    </Card>
  );
}
