import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey, stringAt } from "./body.js";
import { ACCEPT, defineProvider, type InboundRequest, reject, UNKNOWN_EVENT_TYPE, type Verdict } from "./provider.js";
import { decodeHex, headerValue, hmac } from "./verify-helpers.js";

const configSchema = z.object({
  /** The destination's shared secret (Webhooks destination → Settings → Shared Secret). */
  secret: z.string().min(1),
});

/** A Segment source's configuration after parsing. */
export type SegmentConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: SegmentConfig): Verdict {
  const header = headerValue(req.headers, "x-signature");
  if (header === undefined) return reject("missing_signature");
  const presented = decodeHex(header, 20);
  if (presented === undefined) return reject("malformed_signature");
  return safeEqual(presented, hmac("sha1", config.secret, req.rawBody)) ? ACCEPT : reject("invalid_signature");
}

/**
 * Segment (Webhooks destination): `X-Signature` is the hex HMAC-SHA1 of the body with the shared
 * secret. The type is the call's `type` (`identify`, `page` …), and for a `track` call the
 * tracked event's name (`track.Order Completed`). `messageId` sits in the signed body and stays
 * the same when Segment retries, so it is the de-duplication key. Nothing is timestamped.
 *
 * @example segment.eventType({ type: "track", event: "Order Completed" }, {}, config) // "track.Order Completed"
 */
export const segment = defineProvider<SegmentConfig>({
  name: "segment",
  configSchema,
  verify,
  eventType(body) {
    const type = stringAt(body, "type");
    if (type === undefined) return UNKNOWN_EVENT_TYPE;
    const event = type === "track" ? stringAt(body, "event") : undefined;
    return event === undefined ? type : `${type}.${event}`;
  },
  eventId: (body) => stringAt(body, "messageId"),
  dedupeKey: (req) => stringAt(req.body, "messageId") ?? rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
});
