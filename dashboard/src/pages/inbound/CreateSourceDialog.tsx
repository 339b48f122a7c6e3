import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";

import { sources } from "../../api/resources";
import type { SourceIn } from "../../api/types";
import { Dialog } from "../../components/Dialog";
import { SourceForm } from "./SourceForm";

export function CreateSourceDialog({
  appId,
  open,
  onClose,
}: {
  appId: string;
  open: boolean;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: (body: SourceIn) => sources.create(appId, body),
    onSuccess: async (src) => {
      await client.invalidateQueries({ queryKey: ["sources", appId] });
      onClose();
      await navigate({ to: "/apps/$appId/sources/$sourceId", params: { appId, sourceId: src.id } });
    },
  });
  return (
    <Dialog open={open} onClose={onClose} title="Add inbound source" wide>
      <SourceForm
        submitLabel="Create source"
        busy={create.isPending}
        error={create.error}
        onSubmit={(b) => create.mutate(b)}
        onCancel={onClose}
      />
    </Dialog>
  );
}
