import { isEd25519Secret } from "./ed25519-keys.js";
import { signPayload } from "./standard-webhooks.js";
import { signTimestamped, X_WEBHOOK_SIGNATURE } from "./x-webhook-signature.js";

/**
 * How an endpoint's deliveries are signed, chosen per endpoint (`signatureScheme`, migration 0017):
 *
 * - `standard-webhooks` (default): `webhook-id`/`webhook-timestamp`/`webhook-signature`, mirrored
 *   as `svix-*`; one `v1,` (HMAC, `whsec_`) or `v1a,` (ed25519, `whsk_`) entry per live key.
 * - `x-webhook-signature`: seed 003's wallet scheme, `X-Webhook-Signature: t=…,v1=<hex>` with
 *   `X-Webhook-Event`, `X-Webhook-ID` and `X-Webhook-Timestamp` (ISO 8601); HMAC keys only.
 */
export const SIGNATURE_SCHEMES = ["standard-webhooks", "x-webhook-signature"] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
export const DEFAULT_SIGNATURE_SCHEME: SignatureScheme = "standard-webhooks";

/**
 * A stored scheme name as a {@link SignatureScheme}; anything unknown reads as the default, so a
 * row written by a newer version still gets signed.
 *
 * @example signatureSchemeOf(row.signature_scheme) // "standard-webhooks"
 */
export function signatureSchemeOf(stored: string | null | undefined): SignatureScheme {
  return (SIGNATURE_SCHEMES as readonly string[]).includes(stored ?? "") ? (stored as SignatureScheme) : DEFAULT_SIGNATURE_SCHEME;
}

/** Every header any scheme sets (lower case): custom headers never replace one of these. */
export const SIGNATURE_HEADERS: ReadonlySet<string> = new Set([
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "svix-id",
  "svix-timestamp",
  "svix-signature",
  X_WEBHOOK_SIGNATURE,
  "x-webhook-event",
  "x-webhook-id",
  "x-webhook-timestamp",
]);

/** What one delivery is signed over. `eventType` is the one delivered (after any transformation). */
export interface SignInput {
  scheme: SignatureScheme;
  /** Opened keys, current first, then those in their rotation grace. */
  keys: readonly string[];
  msgId: string;
  timestampSeconds: number;
  /** The exact body sent. */
  body: string;
  eventType: string;
}

/**
 * The identity and signature headers of one delivery under its endpoint's scheme (lower-case
 * names). The one signing step of the delivery path: throws for a key that cannot sign.
 *
 * @example signDelivery({ scheme: "standard-webhooks", keys: ["whsec_…"], msgId: "msg_1", timestampSeconds: 1700000000, body: "{}", eventType: "invoice.paid" })
 * // { "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": "v1,…", "svix-id": …, … }
 */
export function signDelivery(input: SignInput): Record<string, string> {
  const { msgId, timestampSeconds, body } = input;
  if (input.scheme === "x-webhook-signature") {
    // HMAC only: an ed25519 key still in its grace (the scheme changed since) has nothing to add.
    const secrets = input.keys.filter((k) => !isEd25519Secret(k));
    if (secrets.length === 0) throw new Error("the x-webhook-signature scheme needs a whsec_ secret; the endpoint has only ed25519 keys");
    return {
      [X_WEBHOOK_SIGNATURE]: signTimestamped(timestampSeconds, body, secrets),
      "x-webhook-event": input.eventType,
      "x-webhook-id": msgId,
      "x-webhook-timestamp": new Date(timestampSeconds * 1000).toISOString(),
    };
  }
  const timestamp = String(timestampSeconds);
  const signature = signPayload(msgId, timestampSeconds, body, [...input.keys]);
  return {
    "webhook-id": msgId,
    "webhook-timestamp": timestamp,
    "webhook-signature": signature,
    "svix-id": msgId,
    "svix-timestamp": timestamp,
    "svix-signature": signature,
  };
}
