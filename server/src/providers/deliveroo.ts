import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey } from "./body.js";
import { envelopeEventType, envelopeOrderStatus, orderEvent, orderEventForStatus } from "./normalize.js";
import { ACCEPT, defineProvider, type InboundRequest, reject, type Verdict } from "./provider.js";
import { decodeBase64, headerValue, hmac } from "./verify-helpers.js";

const configSchema = z.object({
  /** HMAC key for `X-Deliveroo-HMAC-SHA256`. */
  secret: z.string().min(1),
});

/** A Deliveroo source's configuration after parsing. */
export type DeliverooConfig = z.output<typeof configSchema>;

/** The one event type Deliveroo sends; the change is in the order's status. */
const ORDER_EVENT = "order_event";

function verify(req: InboundRequest, config: DeliverooConfig): Verdict {
  const signature = headerValue(req.headers, "x-deliveroo-hmac-sha256");
  if (signature === undefined) return reject("missing_signature");
  const presented = decodeBase64(signature, 32);
  if (presented === undefined) return reject("malformed_signature");
  // No timestamp is signed, so a captured request can be replayed; de-duplication on the
  // signed body is the only defence.
  const expected = hmac("sha256", config.secret, req.rawBody);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}

/**
 * Deliveroo: `X-Deliveroo-HMAC-SHA256` is the base64 HMAC-SHA256 of the raw body. The single
 * event type `order_event` maps to an `order.*` event by the order's status. Only the body is
 * signed, so it alone is the de-duplication key: `X-Deliveroo-Sequence-Guid` is shown in the
 * log but a replayer could change it freely.
 *
 * @example
 * const config = deliveroo.configSchema.parse({ secret: "deliveroo_secret" });
 * deliveroo.verify({ rawBody, headers }, config, new Date()); // { ok: true }
 */
export const deliveroo = defineProvider<DeliverooConfig>({
  name: "deliveroo",
  configSchema,
  verify,
  eventType: (body) => envelopeEventType(body) ?? ORDER_EVENT,
  eventId: (_body, headers) => headerValue(headers, "x-deliveroo-sequence-guid"),
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
  normalize(providerType, body) {
    if (providerType !== ORDER_EVENT) return undefined;
    return orderEvent(orderEventForStatus(envelopeOrderStatus(body)), "deliveroo", providerType, body);
  },
});
