import { z } from "zod";

import { parseSecret, signatureCandidates, signatureMatches } from "../lib/standard-webhooks.js";
import { rawBodyDigestKey, stringAt } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundHeaders,
  type InboundRequest,
  reject,
  toleranceSeconds,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { headerValue, parseUnixTimestamp, withinTolerance } from "./verify-helpers.js";

const configSchema = z.object({
  /** The endpoint secret, `whsec_` followed by base64. */
  secret: z.string().refine((s) => parseSecret(s).ok, {
    message: "expected a secret of the form whsec_<base64>",
  }),
  toleranceSeconds,
});

/** A Standard Webhooks source's configuration after parsing. */
export type StandardWebhooksConfig = z.output<typeof configSchema>;

/**
 * The header family the sender used: Standard Webhooks names, or Svix's older `svix-*` names.
 * A request is read wholly from one family so id, timestamp and signature always belong together.
 */
function headerFamily(headers: InboundHeaders): "webhook" | "svix" | undefined {
  if (headerValue(headers, "webhook-signature") !== undefined) return "webhook";
  if (headerValue(headers, "svix-signature") !== undefined) return "svix";
  return undefined;
}

/** The message id of the family the signature is read from: the one it covers. */
function signedId(_body: unknown, headers: InboundHeaders): string | undefined {
  const family = headerFamily(headers);
  return family === undefined ? undefined : headerValue(headers, `${family}-id`);
}

function verify(req: InboundRequest, config: StandardWebhooksConfig, now: Date): Verdict {
  const family = headerFamily(req.headers);
  if (family === undefined) return reject("missing_signature");
  const signature = headerValue(req.headers, `${family}-signature`) ?? "";
  const id = headerValue(req.headers, `${family}-id`);
  // The id is part of the signed content; without it no signature can match.
  if (id === undefined) return reject("malformed_signature");
  const timestamp = headerValue(req.headers, `${family}-timestamp`);
  const timestampMs =
    timestamp === undefined ? undefined : parseUnixTimestamp(timestamp, { allowMilliseconds: false });
  if (timestamp === undefined || timestampMs === undefined) return reject("invalid_timestamp");

  // Several signatures appear during secret rotation; other versions (v1a: ed25519) are skipped.
  const candidates = signatureCandidates(signature);
  if (candidates.length === 0) return reject("malformed_signature");
  if (!withinTolerance(timestampMs, now, config.toleranceSeconds)) {
    return reject("timestamp_out_of_tolerance");
  }
  const secret = parseSecret(config.secret);
  if (!secret.ok) return reject("invalid_signature");
  // Every candidate is compared, so timing does not reveal which one matched.
  return signatureMatches(secret.key, id, timestamp, req.rawBody, candidates) ? ACCEPT : reject("invalid_signature");
}

/**
 * Standard Webhooks (and Svix): `webhook-signature` holds space-separated `v1,<base64>`
 * HMAC-SHA256 signatures of `"{webhook-id}.{webhook-timestamp}.{body}"`; any one may match.
 * The `svix-id` / `svix-timestamp` / `svix-signature` names are accepted too. The event id is
 * the message id, the type the body's `type`. The id is part of the signed content, so it is
 * the de-duplication key — read from the header family the signature was checked in, since the
 * other family's id is not covered by it.
 *
 * @example
 * const config = standardWebhooks.configSchema.parse({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
 * standardWebhooks.verify({ rawBody, headers }, config, new Date()); // { ok: true }
 */
export const standardWebhooks = defineProvider<StandardWebhooksConfig>({
  name: "standard-webhooks",
  configSchema,
  verify,
  eventType: (body) => stringAt(body, "type") ?? UNKNOWN_EVENT_TYPE,
  eventId: signedId,
  dedupeKey: (req) => signedId(req.body, req.headers) ?? rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => true,
});
