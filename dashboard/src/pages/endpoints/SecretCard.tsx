import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { endpoints } from "../../api/resources";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Notice } from "../../components/Notice";

/** The signing secret: hidden until asked for, and fetched only then. */
export function SecretCard({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [revealed, setRevealed] = useState(false);
  const client = useQueryClient();
  const secret = useQuery({
    queryKey: ["endpoint-secret", appId, endpointId],
    queryFn: () => endpoints.secret(appId, endpointId),
    enabled: revealed,
    staleTime: 0,
  });
  const rotate = useMutation({
    mutationFn: () => endpoints.rotateSecret(appId, endpointId),
    onSuccess: () => client.invalidateQueries({ queryKey: ["endpoint-secret", appId, endpointId] }),
  });

  function confirmRotate() {
    if (
      window.confirm(
        "Rotate the signing secret? The old secret keeps working for a grace period so the receiver can switch over.",
      )
    ) {
      rotate.mutate();
    }
  }

  return (
    <Card title="Signing secret" description="Used to verify the webhook-signature header">
      <div className="flex items-center gap-2">
        <code
          className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1.5 font-mono text-xs"
          aria-label="Signing secret"
        >
          {revealed && secret.data ? secret.data.key : "whsec_••••••••••••••••••••"}
        </code>
        {revealed && secret.data && <CopyButton text={secret.data.key} />}
        <Button
          size="sm"
          onClick={() => setRevealed((r) => !r)}
          busy={revealed && secret.isFetching}
          aria-pressed={revealed}
        >
          {revealed ? "Hide" : "Reveal"}
        </Button>
      </div>
      {secret.isError && (
        <div className="mt-2">
          <ErrorState error={secret.error} what="the secret" compact />
        </div>
      )}
      <div className="mt-3 flex items-center justify-between gap-2">
        <span className="text-xs text-slate-500">
          Rotating keeps the old secret valid for a grace period.
        </span>
        <Button size="sm" variant="danger" onClick={confirmRotate} busy={rotate.isPending}>
          Rotate
        </Button>
      </div>
      {rotate.isSuccess && (
        <div className="mt-2">
          <Notice>Secret rotated.</Notice>
        </div>
      )}
      <ActionError error={rotate.error} />
    </Card>
  );
}
