import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { isRecord, rawBodyDigestKey, stringAt } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  toleranceSeconds,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { decodeBase64, headerValue, hmac, parseUnixTimestamp, withinTolerance } from "./verify-helpers.js";

const configSchema = z.object({
  /** The app's client secret. */
  secret: z.string().min(1),
  /** The target URL exactly as entered in HubSpot: it is part of what HubSpot signs. */
  url: z.url(),
  toleranceSeconds,
});

/** A HubSpot source's configuration after parsing. */
export type HubSpotConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: HubSpotConfig, now: Date): Verdict {
  const header = headerValue(req.headers, "x-hubspot-signature-v3");
  if (header === undefined) return reject("missing_signature");
  const timestamp = headerValue(req.headers, "x-hubspot-request-timestamp");
  const timestampMs = timestamp === undefined ? undefined : parseUnixTimestamp(timestamp, { allowMilliseconds: true });
  if (timestamp === undefined || timestampMs === undefined) return reject("invalid_timestamp");
  const presented = decodeBase64(header, 32);
  if (presented === undefined) return reject("malformed_signature");
  if (!withinTolerance(timestampMs, now, config.toleranceSeconds)) return reject("timestamp_out_of_tolerance");
  // Webhook calls are always POSTs.
  const expected = hmac("sha256", config.secret, "POST", config.url, req.rawBody, timestamp);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}

/** The events of a call: HubSpot batches up to 100 in one JSON array. */
const eventsOf = (body: unknown): Record<string, unknown>[] =>
  Array.isArray(body) ? body.filter(isRecord) : isRecord(body) ? [body] : [];

/**
 * HubSpot (webhooks API, signature v3): `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256 of
 * `POST` + the target URL + the body + `X-HubSpot-Request-Timestamp` (milliseconds), with the
 * client secret; calls older than `toleranceSeconds` are refused. A call carries a batch of
 * events: the type is their `subscriptionType` when they all share one (`contact.creation`),
 * else `batch`. A retry changes `attemptNumber` inside the body, so the body's digest would make
 * it look new: the key is the signed `eventId`s of the batch instead.
 *
 * @example hubspot.eventType([{ subscriptionType: "contact.creation" }], {}, config) // "contact.creation"
 */
export const hubspot = defineProvider<HubSpotConfig>({
  name: "hubspot",
  configSchema,
  verify,
  eventType(body) {
    const types = new Set(eventsOf(body).map((e) => stringAt(e, "subscriptionType")));
    if (types.size === 0 || types.has(undefined)) return UNKNOWN_EVENT_TYPE;
    return types.size === 1 ? [...types][0]! : "batch";
  },
  eventId: (body) => {
    const ids = eventsOf(body).map((e) => stringAt(e, "eventId"));
    return ids.length > 0 && ids.every((id) => id !== undefined) ? ids.join(",") : undefined;
  },
  dedupeKey: (req) => {
    const ids = eventsOf(req.body).map((e) => stringAt(e, "eventId"));
    if (ids.length === 0 || ids.some((id) => id === undefined)) return rawBodyDigestKey(req.rawBody);
    return `events:${ids.sort().join(",")}`;
  },
  signsTimestamp: () => true,
});
