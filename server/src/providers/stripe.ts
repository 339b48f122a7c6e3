import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey, stringAt } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  toleranceSeconds,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { decodeHex, headerValue, hmac, parseUnixTimestamp, withinTolerance } from "./verify-helpers.js";

const configSchema = z.object({
  /** The endpoint's signing secret, `whsec_…`, used verbatim as the HMAC key. */
  secret: z.string().min(1),
  toleranceSeconds,
});

/** A Stripe source's configuration after parsing. */
export type StripeConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: StripeConfig, now: Date): Verdict {
  const header = headerValue(req.headers, "stripe-signature");
  if (header === undefined) return reject("missing_signature");
  let timestamp: string | undefined;
  const candidates: Buffer[] = [];
  for (const pair of header.split(",")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (key === "t") timestamp = value;
    // v0 and future schemes are ignored, as Stripe's own libraries do; several v1 appear
    // while a secret is being rolled.
    if (key === "v1") {
      const decoded = decodeHex(value, 32);
      if (decoded !== undefined) candidates.push(decoded);
    }
  }
  if (timestamp === undefined || candidates.length === 0) return reject("malformed_signature");
  const timestampMs = parseUnixTimestamp(timestamp, { allowMilliseconds: false });
  if (timestampMs === undefined) return reject("invalid_timestamp");
  if (!withinTolerance(timestampMs, now, config.toleranceSeconds)) {
    return reject("timestamp_out_of_tolerance");
  }
  const expected = hmac("sha256", config.secret, timestamp, ".", req.rawBody);
  let matched = false;
  for (const candidate of candidates) matched = safeEqual(candidate, expected) || matched;
  return matched ? ACCEPT : reject("invalid_signature");
}

/**
 * Stripe: `Stripe-Signature: t=…,v1=…[,v1=…]`, each v1 the hex HMAC-SHA256 of `"{t}.{body}"`.
 * The event's `id` and `type` come from the body. The signed `id` is the de-duplication key
 * (Stripe retries an event with the same id and a new `t`, so a digest of `t` and body would
 * count each retry as new); a body without one falls back to the body's digest.
 *
 * @example
 * const config = stripe.configSchema.parse({ secret: "whsec_test" });
 * stripe.eventType({ id: "evt_1", type: "invoice.paid" }, {}, config); // "invoice.paid"
 */
export const stripe = defineProvider<StripeConfig>({
  name: "stripe",
  configSchema,
  verify,
  eventType: (body) => stringAt(body, "type") ?? UNKNOWN_EVENT_TYPE,
  eventId: (body) => stringAt(body, "id"),
  dedupeKey: (req) => stringAt(req.body, "id") ?? rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => true,
});
