import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";

import { endpoints } from "../../api/resources";
import type { EndpointOut } from "../../api/types";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { ActionError } from "../../components/ErrorState";
import { StatusBadge } from "../../components/StatusBadge";
import { Writable } from "../../components/Writable";
import { CircuitBadge } from "./CircuitBadge";
import { EndpointForm } from "./EndpointForm";
import { bodyOf, draftOf, type EndpointDraft, endpointLabel } from "./fields";

/** The endpoint's URL and status, with edit, enable/disable and delete. */
export function EndpointHeader({ appId, endpoint }: { appId: string; endpoint: EndpointOut }) {
  const [editing, setEditing] = useState(false);
  const client = useQueryClient();
  const navigate = useNavigate();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ["endpoint", appId, endpoint.id] }),
      client.invalidateQueries({ queryKey: ["endpoints", appId] }),
    ]);

  const save = useMutation({
    mutationFn: (draft: EndpointDraft) => endpoints.patch(appId, endpoint.id, bodyOf(draft)),
    onSuccess: async () => {
      await refresh();
      setEditing(false);
    },
  });
  const toggle = useMutation({
    mutationFn: () => endpoints.patch(appId, endpoint.id, { disabled: !endpoint.disabled }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => endpoints.remove(appId, endpoint.id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["endpoints", appId] });
      await navigate({ to: "/apps/$appId", params: { appId } });
    },
  });

  function confirmDelete() {
    if (
      window.confirm(
        `Delete endpoint ${endpointLabel(appId, endpoint)}? Its delivery history is removed too.`,
      )
    )
      remove.mutate();
  }

  return (
    <div className="rounded-lg border border-slate-200 bg-white px-5 py-4 shadow-sm">
      <div className="mb-1 text-xs text-slate-500">
        <Link to="/apps/$appId" params={{ appId }} className="hover:underline">
          Endpoints
        </Link>{" "}
        / <span className="font-mono">{endpoint.id}</span>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <h2 className="truncate font-mono text-base font-semibold text-slate-900">
            {endpointLabel(appId, endpoint)}
          </h2>
          <StatusBadge
            status={endpoint.disabled ? "disabled" : "enabled"}
            label={endpoint.disabled ? "Disabled" : "Enabled"}
          />
          {!endpoint.disabled && <CircuitBadge circuit={endpoint.circuit} />}
        </div>
        <Writable>
          <div className="flex gap-2">
            <Button onClick={() => setEditing(true)}>Edit</Button>
            <Button onClick={() => toggle.mutate()} busy={toggle.isPending}>
              {endpoint.disabled ? "Enable" : "Disable"}
            </Button>
            <Button variant="danger" onClick={confirmDelete} busy={remove.isPending}>
              Delete
            </Button>
          </div>
        </Writable>
      </div>
      {endpoint.description && <p className="mt-1 text-sm text-slate-500">{endpoint.description}</p>}
      <ActionError error={toggle.error ?? remove.error} />
      <Dialog open={editing} onClose={() => setEditing(false)} title="Edit endpoint" wide>
        <EndpointForm
          key={endpoint.updatedAt}
          initial={draftOf(endpoint)}
          submitLabel="Save changes"
          busy={save.isPending}
          error={save.error}
          onSubmit={(d) => save.mutate(d)}
          onCancel={() => setEditing(false)}
          editing
        />
      </Dialog>
    </div>
  );
}
