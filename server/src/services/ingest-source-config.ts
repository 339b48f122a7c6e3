import { PROVIDER_NAMES } from "../contract/sources.js";
import { ApiError } from "../lib/errors.js";
import { SECRET_FIELDS } from "./source-config.js";

/**
 * Svix ingest types whose `config` is Svix's `SvixConfig` (`{ secret }`): senders that deliver
 * through Svix, so their calls carry `svix-id`/`svix-timestamp`/`svix-signature` and are verified
 * with the Standard Webhooks scheme and the `whsec_` secret. The list is the svix 2.x SDK's own
 * typing (`IngestSourceIn…` with `config: SvixConfig`); clerk and resend have named providers.
 */
const SVIX_SIGNED_TYPES = [
  "svix",
  "beehiiv",
  "brex",
  "guesty",
  "incident-io",
  "lithic",
  "nash",
  "pleo",
  "psi-fi",
  "replicate",
  "safebase",
  "sardine",
  "stych",
  "open-ai",
  "render",
] as const;

/**
 * Ingest types served by a Hookrelay provider of the same name, with the config passed through:
 * Svix's `{ secret }` shapes (StripeConfig, GithubConfig, ShopifyConfig, SlackConfig, ZoomConfig,
 * SegmentConfig, HubspotConfig, clerk's and resend's SvixConfig) are exactly our providers'
 * `secret`, and Hookrelay's own providers take their own settings (README, "Inbound webhooks").
 * `standard-webhooks` is Svix's `svix` here; `generic-webhook` is for ingest sources only.
 */
const SAME_NAME_TYPES: readonly string[] = [...PROVIDER_NAMES.filter((name) => name !== "standard-webhooks"), "generic-webhook"];

/** Every ingest `type` Hookrelay accepts, sorted. */
export const INGEST_SOURCE_TYPES: readonly string[] = [...SAME_NAME_TYPES, ...SVIX_SIGNED_TYPES].sort();

/** Providers that sign the URL they were given: without a `url`, the ingest URL is what they were given. */
const SIGNS_URL = new Set(["hubspot", "twilio"]);

/** The provider behind an ingest type and the config it is validated with. */
export interface MappedIngestConfig {
  provider: string;
  config: Record<string, unknown>;
}

/**
 * The Hookrelay provider and config of an ingest source: `type` and `config` as Svix's
 * `IngestSourceIn` has them (plus Hookrelay's own types and settings). The result still goes
 * through the provider's validation (`validateConfig`), which names missing or unknown fields.
 * HubSpot and Twilio sign the URL they post to; unless `config.url` says otherwise, that is the
 * source's ingest URL. A type Hookrelay cannot verify is a 422, never a source that accepts all.
 *
 * @example mapIngestConfig("svix", { secret: "whsec_…" }, url) // { provider: "standard-webhooks", config: { secret: "whsec_…" } }
 * @example mapIngestConfig("hubspot", { secret: "s" }, "https://hr.example.com/ingest/in/tok") // config.url is that URL
 */
export function mapIngestConfig(
  type: string,
  config: Record<string, unknown> | null | undefined,
  ingestUrl: string,
): MappedIngestConfig {
  const given = { ...(config ?? {}) };
  // Svix's optional secrets arrive as explicit nulls from its serializers; absent is the same.
  for (const [key, value] of Object.entries(given)) if (value === null) delete given[key];
  if ((SVIX_SIGNED_TYPES as readonly string[]).includes(type)) return { provider: "standard-webhooks", config: given };
  if (!SAME_NAME_TYPES.includes(type)) {
    throw new ApiError(
      422,
      "validation_error",
      `Ingest source type ${type} is not supported; supported types: ${INGEST_SOURCE_TYPES.join(", ")}`,
    );
  }
  if (SIGNS_URL.has(type) && given.url === undefined) given.url = ingestUrl;
  return { provider: type, config: given };
}

/**
 * After a token rotation the ingest URL changes; a `url` setting that was the old ingest URL
 * (filled in by {@link mapIngestConfig}) follows it, one the user chose stays.
 *
 * @example followIngestUrl({ secret: "s", url: oldUrl }, oldUrl, newUrl) // { secret: "s", url: newUrl }
 */
export function followIngestUrl(
  config: Record<string, unknown>,
  oldUrl: string,
  newUrl: string,
): Record<string, unknown> {
  return config.url === oldUrl ? { ...config, url: newUrl } : config;
}

/**
 * A PUT of the same type keeps the stored credentials it leaves out: the svix SDK reads a
 * source's config back without its secret (Svix's `StripeConfigOut` is `{}`), so a get → upsert
 * round trip through the SDK would otherwise fail for want of the secret it never saw.
 *
 * @example keepAbsentSecrets({}, { secret: "whsec_…" }) // { secret: "whsec_…" }
 */
export function keepAbsentSecrets(
  input: Record<string, unknown>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...input };
  for (const field of SECRET_FIELDS) if (out[field] === undefined && stored[field] !== undefined) out[field] = stored[field];
  return out;
}
