import { z } from "zod";

import { rawBodyDigestKey } from "./body.js";
import { envelopeEventType, envelopeOrderStatus, orderEvent, orderEventForStatus } from "./normalize.js";
import { ACCEPT, defineProvider, type InboundRequest, reject, type Verdict } from "./provider.js";
import { bearerToken, secretEqual } from "./verify-helpers.js";

const configSchema = z.object({
  /** The token Jahez sends as `Authorization: Bearer {token}`. */
  token: z.string().min(1),
});

/** A Jahez source's configuration after parsing. */
export type JahezConfig = z.output<typeof configSchema>;

/** The one event type Jahez sends; the change is in the order's status. */
const ORDER_ACTION = "order_action";

function verify(req: InboundRequest, config: JahezConfig): Verdict {
  const token = bearerToken(req.headers);
  if (token === undefined) return reject("missing_credentials");
  if (token === null) return reject("invalid_credentials");
  return secretEqual(token, config.token) ? ACCEPT : reject("invalid_credentials");
}

/**
 * Jahez: a static bearer token in `Authorization`, compared in constant time. The single
 * event type `order_action` maps to an `order.*` event by the order's status. Nothing is signed
 * and the envelope has no event id, so de-duplication uses the digest of the body.
 *
 * @example
 * const config = jahez.configSchema.parse({ token: "jahez_bearer_token_client_123" });
 * jahez.verify({ rawBody, headers: { authorization: `Bearer ${token}` } }, config, new Date());
 */
export const jahez = defineProvider<JahezConfig>({
  name: "jahez",
  configSchema,
  verify,
  eventType: (body) => envelopeEventType(body) ?? ORDER_ACTION,
  eventId: () => undefined,
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
  normalize(providerType, body) {
    if (providerType !== ORDER_ACTION) return undefined;
    return orderEvent(orderEventForStatus(envelopeOrderStatus(body)), "jahez", providerType, body);
  },
});
