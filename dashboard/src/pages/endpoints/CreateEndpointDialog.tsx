import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";

import { endpoints } from "../../api/resources";
import { Dialog } from "../../components/Dialog";
import { EndpointForm } from "./EndpointForm";
import { bodyOf, draftOf, type EndpointDraft } from "./fields";

export function CreateEndpointDialog({
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
  const mutation = useMutation({
    mutationFn: (draft: EndpointDraft) => {
      const { disabled: _disabled, ...body } = bodyOf(draft);
      // The key's kind is chosen once, on create; rotations on the endpoint page change it later.
      const keyed =
        draft.signatureAlgorithm === "ed25519"
          ? { ...body, signatureAlgorithm: draft.signatureAlgorithm }
          : body;
      return endpoints.create(appId, draft.polling ? { ...body, polling: true } : keyed);
    },
    onSuccess: async (ep) => {
      await client.invalidateQueries({ queryKey: ["endpoints", appId] });
      onClose();
      await navigate({ to: "/apps/$appId/endpoints/$endpointId", params: { appId, endpointId: ep.id } });
    },
  });
  return (
    <Dialog open={open} onClose={onClose} title="Add endpoint" wide>
      <EndpointForm
        initial={draftOf()}
        submitLabel="Create endpoint"
        busy={mutation.isPending}
        error={mutation.error}
        onSubmit={(d) => mutation.mutate(d)}
        onCancel={onClose}
      />
    </Dialog>
  );
}
