import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { decodeBase64, headerValue, hmac } from "./verify-helpers.js";

const configSchema = z.object({
  /** The app's client secret (or the webhook signing secret shown in the admin). */
  secret: z.string().min(1),
});

/** A Shopify source's configuration after parsing. */
export type ShopifyConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: ShopifyConfig): Verdict {
  const header = headerValue(req.headers, "x-shopify-hmac-sha256");
  if (header === undefined) return reject("missing_signature");
  const presented = decodeBase64(header, 32);
  if (presented === undefined) return reject("malformed_signature");
  const expected = hmac("sha256", config.secret, req.rawBody);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}

/**
 * Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the body. The type is
 * `X-Shopify-Topic` (`orders/create`), the id shown `X-Shopify-Webhook-Id`. Only the body is
 * signed, so de-duplication uses its digest rather than the unsigned webhook id.
 *
 * @example
 * shopify.eventType({}, { "x-shopify-topic": "orders/create" }, config); // "orders/create"
 */
export const shopify = defineProvider<ShopifyConfig>({
  name: "shopify",
  configSchema,
  verify,
  eventType: (_body, headers) => headerValue(headers, "x-shopify-topic") ?? UNKNOWN_EVENT_TYPE,
  eventId: (_body, headers) => headerValue(headers, "x-shopify-webhook-id"),
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
});
