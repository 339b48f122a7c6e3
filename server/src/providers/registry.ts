import { careem } from "./careem.js";
import { deliveroo } from "./deliveroo.js";
import { genericWebhook } from "./generic-webhook.js";
import { github } from "./github.js";
import { hmac } from "./hmac.js";
import { hubspot } from "./hubspot.js";
import { jahez } from "./jahez.js";
import type { Provider } from "./provider.js";
import { segment } from "./segment.js";
import { shopify } from "./shopify.js";
import { slack } from "./slack.js";
import { standardWebhooks } from "./standard-webhooks.js";
import { stripe } from "./stripe.js";
import { clerk, resend } from "./svix-signed.js";
import { talabat } from "./talabat.js";
import { twilio } from "./twilio.js";
import { zoom } from "./zoom.js";

// Adding a provider: one file exporting a `defineProvider(...)`, one line here.
const providers: readonly Provider[] = [
  careem,
  talabat,
  deliveroo,
  jahez,
  standardWebhooks,
  stripe,
  github,
  shopify,
  slack,
  clerk,
  resend,
  zoom,
  segment,
  hubspot,
  twilio,
  hmac,
];

/**
 * Providers only an ingest source may use (ADR 20): `generic-webhook` verifies nothing, which is
 * safe only behind the unguessable token of an ingest URL. Not in {@link providerNames}, so an
 * application's source cannot name them.
 */
const ingestOnly: readonly Provider[] = [genericWebhook];

const byName: ReadonlyMap<string, Provider> = new Map([...providers, ...ingestOnly].map((p) => [p.name, p]));

/**
 * Names of every registered provider, for validating a source's `provider` field.
 *
 * @example
 * z.enum(providerNames as [string, ...string[]])
 */
export const providerNames: readonly string[] = Object.freeze(providers.map((p) => p.name));

/**
 * The provider registered under `name`, or undefined.
 *
 * @example
 * const provider = getProvider(req.params.provider);
 * if (!provider) throw ApiError.notFound("Provider");
 */
export function getProvider(name: string): Provider | undefined {
  return byName.get(name);
}
