import { z } from "zod";

import { rawBodyDigestKey } from "./body.js";
import {
  envelopeEventType,
  envelopeOrderStatus,
  menuEvent,
  orderEvent,
  orderEventForStatus,
} from "./normalize.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { headerValue, secretEqual } from "./verify-helpers.js";

const configSchema = z.object({
  /** The value Talabat sends in `X-Talabat-API-Key`. */
  apiKey: z.string().min(1),
});

/** A Talabat source's configuration after parsing. */
export type TalabatConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: TalabatConfig): Verdict {
  const apiKey = headerValue(req.headers, "x-talabat-api-key");
  if (apiKey === undefined) return reject("missing_credentials");
  // Talabat signs nothing: the key authenticates the sender but not the body, so TLS is
  // what keeps the payload intact.
  return secretEqual(apiKey, config.apiKey) ? ACCEPT : reject("invalid_credentials");
}

/**
 * Talabat: a static API key in `X-Talabat-API-Key`, compared in constant time. Events are
 * `order_notification` (→ `order.created`), `status_update` (→ by the order's status) and
 * `menu_sync` (→ `menu.updated`). Nothing is signed and the envelope has no event id, so
 * de-duplication uses the digest of the body.
 *
 * @example
 * const config = talabat.configSchema.parse({ apiKey: "talabat_api_key_client_123" });
 * talabat.verify({ rawBody, headers: { "x-talabat-api-key": key } }, config, new Date());
 */
export const talabat = defineProvider<TalabatConfig>({
  name: "talabat",
  configSchema,
  verify,
  eventType: (body) => envelopeEventType(body) ?? UNKNOWN_EVENT_TYPE,
  eventId: () => undefined,
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
  normalize(providerType, body) {
    switch (providerType) {
      case "order_notification":
        return orderEvent("order.created", "talabat", providerType, body);
      case "status_update":
        return orderEvent(orderEventForStatus(envelopeOrderStatus(body)), "talabat", providerType, body);
      case "menu_sync":
        return menuEvent("talabat", providerType, body);
      default:
        return undefined;
    }
  },
  defaultRateLimits: [
    { points: 500, durationSeconds: 60 },
    { points: 5_000, durationSeconds: 3_600 },
    { points: 100, durationSeconds: 10 },
  ],
});
