import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { tokens } from "../../api/resources";
import type { TokenOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { SelectField } from "../../components/Field";
import { formatDate } from "../../lib/format";
import { ShowSecretOnce } from "./ShowSecretOnce";

const GRACE_CHOICES = [
  { label: "None: the old secret stops now", seconds: 0 },
  { label: "1 hour", seconds: 3_600 },
  { label: "24 hours", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
];

/** Rotates a key: a new secret now, the old one working until the grace period ends. */
export function RotateTokenDialog({ token, onClose }: { token: TokenOut | null; onClose: () => void }) {
  const [grace, setGrace] = useState(86_400);
  const client = useQueryClient();
  const rotate = useMutation({
    mutationFn: (id: string) => tokens.rotate(id, grace),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tokens"] }),
  });
  function close() {
    rotate.reset();
    setGrace(86_400);
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (token) rotate.mutate(token.id);
  }
  const until = rotate.data?.previousExpiresAt;
  return (
    <Dialog open={token !== null} onClose={close} title={`Rotate "${token?.name ?? ""}"`}>
      {rotate.data ? (
        <ShowSecretOnce
          token={rotate.data.token}
          note={until ? `The previous secret keeps working until ${formatDate(until)}.` : undefined}
          onDone={close}
        />
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <SelectField
            label="Grace period of the old secret"
            value={grace}
            onChange={(e) => setGrace(Number(e.target.value))}
            hint="Time to deploy the new secret everywhere before the old one stops working."
          >
            {GRACE_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </SelectField>
          <ActionError error={rotate.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={rotate.isPending}>
              Rotate
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
