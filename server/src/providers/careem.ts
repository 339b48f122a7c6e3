import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey } from "./body.js";
import { envelopeEventType, menuEvent, orderEvent, type OrderEventType } from "./normalize.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  toleranceSeconds,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import {
  bearerToken,
  decodeHex,
  headerValue,
  hmac,
  parseUnixTimestamp,
  secretEqual,
  withinTolerance,
} from "./verify-helpers.js";

const configSchema = z.object({
  /** HMAC key for `X-Careem-Signature`. */
  secret: z.string().min(1),
  /** When set, `X-Careem-Client-Id` must equal it. */
  clientId: z.string().min(1).optional(),
  /** When set, `Authorization: Bearer {apiKey}` is required as well (the seed lists both). */
  apiKey: z.string().min(1).optional(),
  toleranceSeconds,
});

/** A Careem source's configuration after parsing. */
export type CareemConfig = z.output<typeof configSchema>;

const ORDER_EVENTS: ReadonlyMap<string, OrderEventType> = new Map([
  ["order.created", "order.created"],
  ["order.updated", "order.updated"],
  ["order.cancelled", "order.cancelled"],
  ["order.delivered", "order.delivered"],
]);

function verify(req: InboundRequest, config: CareemConfig, now: Date): Verdict {
  const signature = headerValue(req.headers, "x-careem-signature");
  if (signature === undefined) return reject("missing_signature");
  const timestamp = headerValue(req.headers, "x-careem-timestamp");
  // The seed documents a Unix timestamp but its own signing example uses Date.now(), so
  // both seconds and milliseconds are accepted; the HMAC covers the header text as sent.
  const timestampMs =
    timestamp === undefined ? undefined : parseUnixTimestamp(timestamp, { allowMilliseconds: true });
  if (timestamp === undefined || timestampMs === undefined) return reject("invalid_timestamp");
  const presented = decodeHex(signature, 32);
  if (presented === undefined) return reject("malformed_signature");
  if (!withinTolerance(timestampMs, now, config.toleranceSeconds)) {
    return reject("timestamp_out_of_tolerance");
  }
  const expected = hmac("sha256", config.secret, timestamp, ".", req.rawBody);
  if (!safeEqual(presented, expected)) return reject("invalid_signature");

  if (config.apiKey !== undefined) {
    const token = bearerToken(req.headers);
    if (token === undefined) return reject("missing_credentials");
    if (token === null || !secretEqual(token, config.apiKey)) return reject("invalid_credentials");
  }
  // Checked after the signature: the client id is not secret, and an unsigned request should
  // learn nothing about which one is configured.
  if (config.clientId !== undefined) {
    const clientId = headerValue(req.headers, "x-careem-client-id") ?? "";
    if (!secretEqual(clientId, config.clientId)) return reject("client_id_mismatch");
  }
  return ACCEPT;
}

/**
 * Careem Now: `X-Careem-Signature` is the hex HMAC-SHA256 of `"{X-Careem-Timestamp}.{body}"`;
 * the optional client id and API key are checked when configured. Careem sends no event id,
 * so de-duplication uses the digest of the signed body — without the timestamp, so a copy
 * Careem signs again at a later time is still the same event.
 *
 * @example
 * const config = careem.configSchema.parse({ secret: "careem_secret", clientId: "client_123" });
 * careem.verify({ rawBody, headers }, config, new Date()); // { ok: true }
 */
export const careem = defineProvider<CareemConfig>({
  name: "careem",
  configSchema,
  verify,
  eventType: (body) => envelopeEventType(body) ?? UNKNOWN_EVENT_TYPE,
  eventId: () => undefined,
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => true,
  normalize(providerType, body) {
    const orderType = ORDER_EVENTS.get(providerType);
    if (orderType !== undefined) return orderEvent(orderType, "careem", providerType, body);
    if (providerType === "menu.updated") return menuEvent("careem", providerType, body);
    return undefined;
  },
  defaultRateLimits: [
    { points: 1_000, durationSeconds: 60 },
    { points: 10_000, durationSeconds: 3_600 },
    { points: 100_000, durationSeconds: 86_400 },
    { points: 200, durationSeconds: 10 },
  ],
});
