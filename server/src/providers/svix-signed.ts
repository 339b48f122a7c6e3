import { defineProvider } from "./provider.js";
import { standardWebhooks } from "./standard-webhooks.js";

/**
 * Clerk sends its webhooks through Svix: `svix-id`, `svix-timestamp` and `svix-signature` over
 * `"{id}.{timestamp}.{body}"` with the endpoint's `whsec_` signing secret, the type in the body's
 * `type` (`user.created`). The Standard Webhooks scheme, under Clerk's name so sources and
 * metrics say what they receive.
 *
 * @example clerk.configSchema.parse({ secret: "whsec_…" })
 */
export const clerk = defineProvider({ ...standardWebhooks, name: "clerk" });

/**
 * Resend signs with Svix as well (`svix-*` headers, `whsec_` secret, `type` such as
 * `email.delivered`): the Standard Webhooks scheme under Resend's name.
 *
 * @example resend.eventType({ type: "email.delivered" }, {}, config) // "email.delivered"
 */
export const resend = defineProvider({ ...standardWebhooks, name: "resend" });
