import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { apps } from "../../api/resources";
import { Button } from "../../components/Button";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { inputClass } from "../../components/Field";

/** Creates a consumer-portal link: a dashboard limited to this one application. */
export function PortalAccessButton({ appId }: { appId: string }) {
  const [open, setOpen] = useState(false);
  const mutation = useMutation({ mutationFn: () => apps.portalAccess(appId) });

  function start() {
    setOpen(true);
    mutation.mutate();
  }

  return (
    <>
      <Button onClick={start}>Consumer portal</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Consumer portal link">
        <p className="mb-3 text-sm text-slate-600">
          Anyone with this link sees this application's endpoints, messages and attempts — nothing else. Share
          it only with the application's owner.
        </p>
        {mutation.isPending && <p className="text-sm text-slate-500">Creating link…</p>}
        <ActionError error={mutation.error} />
        {mutation.data && (
          <div className="space-y-3">
            <label htmlFor="portal-url" className="block text-xs font-medium text-slate-700">
              Portal URL
            </label>
            <input
              id="portal-url"
              readOnly
              value={mutation.data.url}
              className={`${inputClass} font-mono text-xs`}
              onFocus={(e) => e.target.select()}
            />
            <div className="flex justify-end gap-2">
              <CopyButton text={mutation.data.url} label="Copy link" />
              <a
                href={mutation.data.url}
                target="_blank"
                rel="noreferrer"
                className="inline-flex items-center rounded-md bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-indigo-500"
              >
                Open portal
              </a>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
