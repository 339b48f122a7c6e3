import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";

import { apps } from "../../api/resources";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { TextField } from "../../components/Field";

export function CreateAppDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [uid, setUid] = useState("");
  const client = useQueryClient();
  const navigate = useNavigate();
  const mutation = useMutation({
    mutationFn: () => apps.create({ name: name.trim(), uid: uid.trim() || undefined }),
    onSuccess: async (app) => {
      await client.invalidateQueries({ queryKey: ["apps"] });
      setName("");
      setUid("");
      onClose();
      await navigate({ to: "/apps/$appId", params: { appId: app.id } });
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    mutation.mutate();
  }

  return (
    <Dialog open={open} onClose={onClose} title="New application">
      <form onSubmit={submit} className="space-y-4">
        <TextField
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Acme Corp"
          autoFocus
        />
        <TextField
          label="UID (optional)"
          value={uid}
          onChange={(e) => setUid(e.target.value)}
          placeholder="acme"
          hint="Your own identifier; usable in API paths instead of the id."
          pattern="[a-zA-Z0-9\-_.]+"
        />
        <ActionError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            Create application
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
