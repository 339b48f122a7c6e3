import { z } from "zod";

import { Metadata } from "./common.js";
import { EndpointHeaders, EndpointSecret, EndpointUpdate } from "./endpoints.js";

/** Svix's source uid: not `src_…` (always an id), letters, digits, `-` and `_`. */
const IngestSourceUid = z
  .string()
  .min(1)
  .max(60)
  .regex(/^(?!src_)[a-zA-Z0-9_-]+$/, "may contain only letters, digits, '-' and '_', and may not start with 'src_'")
  .meta({ example: "stripe-production" });

/**
 * `POST /ingest/api/v1/source` and PUT: Svix's `IngestSourceIn`. `type` is Svix's
 * (`generic-webhook`, `svix`, `stripe`, `github`, `shopify`, `slack`, `zoom`, … ) or one of
 * Hookrelay's providers (`careem`, `talabat`, `deliveroo`, `jahez`, `hmac`, `twilio`); `config`
 * is the type's settings, e.g. `{ "secret": "whsec_…" }`, plus Hookrelay's `ipAllowlist`,
 * `rateLimits` and `toleranceSeconds`. Unknown types and missing settings are a 422.
 *
 * @example IngestSourceIn.parse({ name: "Stripe", type: "stripe", config: { secret: "whsec_…" } })
 */
export const IngestSourceIn = z.strictObject({
  name: z.string().min(1).max(256).meta({ example: "Stripe (production)" }),
  uid: IngestSourceUid.nullish(),
  metadata: Metadata.optional(),
  type: z.string().min(1).max(64).meta({ example: "stripe" }),
  config: z
    .record(z.string(), z.unknown())
    .nullish()
    .describe("The type's settings (Svix's StripeConfig, SvixConfig …: `{ secret }`); secrets are write-only.")
    .meta({ example: { secret: "whsec_your_stripe_signing_secret" } }),
});
export type IngestSourceIn = z.output<typeof IngestSourceIn>;

/** Svix's `IngestSourcePatch`: absent fields are kept, a `uid` of null clears it. */
export const IngestSourcePatch = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  uid: IngestSourceUid.nullish(),
  metadata: Metadata.optional(),
});
export type IngestSourcePatch = z.output<typeof IngestSourcePatch>;

/** Svix's `IngestSourceOut`; `config` comes back with secrets masked. */
export const IngestSourceOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  name: z.string(),
  type: z.string(),
  config: z.record(z.string(), z.unknown()),
  /** Where the provider sends: `{base}/ingest/in/{token}`. The token is the URL's secret. */
  ingestUrl: z.string(),
  metadata: Metadata,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IngestSourceOut = z.output<typeof IngestSourceOut>;

export const IngestSourceParams = z.object({
  source_id: z.string().min(1).max(256).meta({ description: "The source's id (`src_…`) or uid." }),
});
export const IngestEndpointParams = IngestSourceParams.extend({ endpoint_id: z.string().min(1).max(256) });

/** Svix's `RotateTokenOut`: the new ingest URL (the previous one stops working at once). */
export const RotateTokenOut = z.object({ ingestUrl: z.string() });

/** Svix's `IngestSourceConsumerPortalAccessIn`. */
export const IngestSourceConsumerPortalAccessIn = z.strictObject({
  /** Seconds the session lasts: 1 hour to 7 days, default 7 days. */
  expiry: z.number().int().min(3600).max(604_800).nullish(),
  readOnly: z.boolean().nullish(),
});
export type IngestSourceConsumerPortalAccessIn = z.output<typeof IngestSourceConsumerPortalAccessIn>;

const endpointFields = EndpointUpdate.pick({
  url: true,
  uid: true,
  description: true,
  disabled: true,
  metadata: true,
  throttleRate: true,
}).shape;

/** Svix's `IngestEndpointIn`: an endpoint the source's calls are relayed to. */
export const IngestEndpointIn = z.strictObject({
  ...endpointFields,
  secret: EndpointSecret.nullish(),
  headers: EndpointHeaders.nullish(),
});
export type IngestEndpointIn = z.output<typeof IngestEndpointIn>;

/** Svix's `IngestEndpointUpsertIn` (PUT): the secret and headers have their own routes. */
export const IngestEndpointUpsertIn = z.strictObject(endpointFields);
export type IngestEndpointUpsertIn = z.output<typeof IngestEndpointUpsertIn>;

/** Svix's `IngestEndpointOut`. */
export const IngestEndpointOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  disabled: z.boolean(),
  throttleRate: z.number().nullable(),
  metadata: Metadata,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IngestEndpointOut = z.output<typeof IngestEndpointOut>;

/** `/ingest/in/{token}`: where providers post to an ingest source. */
export const IngestTokenParams = z.object({ token: z.string().min(1).max(256) });
