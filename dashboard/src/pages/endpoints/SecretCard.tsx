import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { endpoints } from "../../api/resources";
import type { EndpointOut, SignatureAlgorithm } from "../../api/types";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Notice } from "../../components/Notice";

/**
 * The signing key: an HMAC secret hidden until asked for (and fetched only then), or for an
 * ed25519 endpoint its public key, shown outright (the secret key is never shown). Rotation
 * keeps the kind unless another is chosen.
 */
export function SecretCard({ appId, endpoint }: { appId: string; endpoint: EndpointOut }) {
  const endpointId = endpoint.id;
  const [revealed, setRevealed] = useState(false);
  const [rotateTo, setRotateTo] = useState<SignatureAlgorithm>(endpoint.signatureAlgorithm);
  const client = useQueryClient();
  const secret = useQuery({
    queryKey: ["endpoint-secret", appId, endpointId],
    queryFn: () => endpoints.secret(appId, endpointId),
    enabled: revealed,
    staleTime: 0,
  });
  const rotate = useMutation({
    mutationFn: () =>
      endpoints.rotateSecret(
        appId,
        endpointId,
        rotateTo === endpoint.signatureAlgorithm ? {} : { signatureAlgorithm: rotateTo },
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["endpoint-secret", appId, endpointId] });
      await client.invalidateQueries({ queryKey: ["endpoint", appId, endpointId] });
    },
  });

  function confirmRotate() {
    if (
      window.confirm(
        "Rotate the signing key? The old key keeps signing for a grace period so the receiver can switch over.",
      )
    ) {
      rotate.mutate();
    }
  }

  const ed25519 = endpoint.publicKey !== null;
  return (
    <Card
      title={ed25519 ? "Signing key (ed25519)" : "Signing secret"}
      description={
        ed25519
          ? "Receivers verify the v1a signatures with this public key; the secret key is never shown"
          : endpoint.signatureScheme === "x-webhook-signature"
            ? "Used to verify the X-Webhook-Signature header"
            : "Used to verify the webhook-signature header"
      }
    >
      {ed25519 ? (
        <div className="flex items-center gap-2">
          <code
            className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1.5 font-mono text-xs"
            aria-label="Public key"
          >
            {endpoint.publicKey}
          </code>
          <CopyButton text={endpoint.publicKey ?? ""} />
        </div>
      ) : (
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
      )}
      {secret.isError && (
        <div className="mt-2">
          <ErrorState error={secret.error} what="the secret" compact />
        </div>
      )}
      <p className="mt-3 text-xs text-slate-500">Rotating keeps the old key signing for a grace period.</p>
      <div className="mt-2 flex items-center justify-end gap-2">
        <label className="flex items-center gap-1.5 text-xs text-slate-600">
          New key
          <select
            aria-label="Rotate to"
            className="rounded border border-slate-300 px-1.5 py-1 text-xs"
            value={rotateTo}
            onChange={(e) => setRotateTo(e.target.value as SignatureAlgorithm)}
          >
            <option value="hmac-sha256">HMAC-SHA256</option>
            <option value="ed25519">ed25519</option>
          </select>
        </label>
        <Button size="sm" variant="danger" onClick={confirmRotate} busy={rotate.isPending}>
          Rotate
        </Button>
      </div>
      {rotate.isSuccess && (
        <div className="mt-2">
          <Notice>{ed25519 ? "Key rotated." : "Secret rotated."}</Notice>
        </div>
      )}
      <ActionError error={rotate.error} />
    </Card>
  );
}
