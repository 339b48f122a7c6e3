import { z } from "zod";

/**
 * `POST /api/v1/verify`: check a received webhook the way a receiver must. The key is an
 * endpoint's (its current secret and the previous ones still in their grace period), or a secret
 * or public key given in the request. Exactly one of the three.
 */
export const VerifyIn = z
  .strictObject({
    appId: z.string().min(1).max(256).optional().meta({ description: "With `endpointId`: the endpoint's application (id or uid)." }),
    endpointId: z.string().min(1).max(256).optional().meta({ description: "Check with this endpoint's signing secrets." }),
    secret: z.string().min(1).max(200).optional().meta({ description: "Check with this `whsec_…` secret.", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
    publicKey: z.string().min(1).max(200).optional().meta({ description: "Check `v1a` (ed25519) signatures with this `whpk_…` public key." }),
    headers: z.record(z.string().max(256), z.string().max(8192)).meta({
      description: "The request's headers as received (`webhook-id`, `webhook-timestamp`, `webhook-signature`, or the `svix-*` names, or `X-Webhook-Signature` with `X-Webhook-ID`).",
    }),
    body: z.string().max(1_048_576).meta({ description: "The raw body exactly as received, as a string." }),
    toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .refine((v) => [v.endpointId !== undefined, v.secret !== undefined, v.publicKey !== undefined].filter(Boolean).length === 1, {
    message: "give exactly one of endpointId (with appId), secret or publicKey",
  })
  .refine((v) => v.endpointId === undefined || v.appId !== undefined, { message: "endpointId needs appId", path: ["appId"] });
export type VerifyIn = z.output<typeof VerifyIn>;

export const VerifyOut = z.object({
  valid: z.boolean(),
  reason: z.enum(["ok", "missing_headers", "invalid_timestamp", "timestamp_too_old", "timestamp_in_future", "no_signatures", "no_match", "invalid_key"]),
  detail: z.string(),
  headerFamily: z.enum(["webhook", "svix", "x-webhook"]).nullable(),
  msgId: z.string().nullable(),
  timestamp: z.string().nullable(),
  skewSeconds: z.number().nullable(),
  signedContent: z.string().nullable().meta({ description: "The exact text that is signed: `{id}.{timestamp}.{body}`, or `{t}.{body}` for `X-Webhook-Signature`." }),
  signatures: z.array(z.object({ version: z.string(), wellFormed: z.boolean(), matchedKey: z.string().nullable() })),
});
export type VerifyOut = z.output<typeof VerifyOut>;
