import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { apps, tokens } from "../../api/resources";
import { Button } from "../../components/Button";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { SelectField, TextField } from "../../components/Field";
import { Notice } from "../../components/Notice";

/** Creates a token and shows it exactly once; closing the dialog forgets it. */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState("");
  const [appId, setAppId] = useState("");
  const client = useQueryClient();
  const appList = useQuery({
    queryKey: ["apps", "options"],
    queryFn: () => apps.list({ limit: 250 }),
    enabled: open,
  });
  const create = useMutation({
    mutationFn: () => tokens.create({ name: name.trim(), appId: appId || undefined }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tokens"] }),
  });

  function close() {
    create.reset();
    setName("");
    setAppId("");
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <Dialog open={open} onClose={close} title="New API token">
      {create.data ? (
        <div className="space-y-3">
          <Notice tone="warning">Copy this token now. It is shown only once and cannot be recovered.</Notice>
          <div className="flex items-center gap-2">
            <code
              aria-label="New token"
              data-testid="new-token"
              className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all"
            >
              {create.data.token}
            </code>
            <CopyButton text={create.data.token} />
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
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="CI deploys"
          />
          <SelectField
            label="Scope"
            value={appId}
            onChange={(e) => setAppId(e.target.value)}
            hint="A scoped token can only see and change that one application."
          >
            <option value="">All applications (admin)</option>
            {appList.data?.data.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.id})
              </option>
            ))}
          </SelectField>
          <ActionError error={create.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create token
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
