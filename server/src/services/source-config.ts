import { z } from "zod";

import { RateLimitIn } from "../contract/sources.js";
import { type Cidr, parseCidr } from "../lib/cidr.js";
import { ApiError } from "../lib/errors.js";
import { SECRET_PREFIX } from "../lib/standard-webhooks.js";
import type { Provider, RateLimit } from "../providers/provider.js";

/** Config fields holding credentials: write-only, returned masked. */
export const SECRET_FIELDS = ["secret", "apiKey", "token"] as const;

/** Config fields Hookrelay reads itself; everything else belongs to the provider. */
const COMMON_FIELDS = new Set(["ipAllowlist", "rateLimits"]);

const CommonConfig = z.object({
  ipAllowlist: z
    .array(z.string().refine((s) => parseCidr(s) !== undefined, "expected an IP address or CIDR range"))
    .max(100)
    .default([]),
  /** null or absent: the provider's documented limits. An empty list: no limit. */
  rateLimits: z.array(RateLimitIn).max(10).nullish(),
});

/** A source's stored config as the ingest path uses it: parsed, with allowlist and limits resolved. */
export interface ParsedSourceConfig {
  provider: Provider;
  /** The provider's config after `configSchema.parse`. */
  config: unknown;
  ipAllowlist: readonly Cidr[];
  rateLimits: readonly RateLimit[];
  /** Header names that must not be stored (the generic HMAC scheme's configured header). */
  secretHeaders: readonly string[];
  /** The stored config as the API shows it, secrets masked and limits resolved. */
  masked: Record<string, unknown>;
}

/**
 * Parses a config as stored (validated when written) for the ingest path.
 *
 * @example parseStoredConfig(getProvider("careem")!, { secret: "s", ipAllowlist: [] }).rateLimits
 */
export function parseStoredConfig(provider: Provider, stored: Record<string, unknown>): ParsedSourceConfig {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) if (!COMMON_FIELDS.has(key)) own[key] = value;
  const common = CommonConfig.parse(stored);
  const rateLimits = common.rateLimits ?? provider.defaultRateLimits ?? [];
  return {
    provider,
    config: provider.configSchema.parse(own),
    ipAllowlist: common.ipAllowlist.map((c) => parseCidr(c)!),
    rateLimits,
    secretHeaders: typeof stored.header === "string" ? [stored.header.toLowerCase()] : [],
    masked: maskConfig({ ...stored, rateLimits }),
  };
}

/**
 * A secret as the API shows it: a known prefix, an ellipsis and the last four characters for
 * long values, four asterisks for short ones (whose tail would give too much away).
 *
 * @example maskSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // "whsec_…LaSw"
 */
export function maskSecret(value: string): string {
  const prefix = value.startsWith(SECRET_PREFIX) ? SECRET_PREFIX : "";
  if (value.length - prefix.length < 16) return `${prefix}****`;
  return `${prefix}…${value.slice(-4)}`;
}

/**
 * Validates a source's config for `provider` and returns what is stored (defaults filled in);
 * a 422 naming every bad or unknown field otherwise.
 *
 * @example validateConfig(getProvider("stripe")!, { secret: "whsec_…", ipAllowlist: ["203.0.113.0/24"] })
 */
export function validateConfig(provider: Provider, input: Record<string, unknown>): Record<string, unknown> {
  const common: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) (COMMON_FIELDS.has(key) ? common : own)[key] = value;
  const issues: string[] = [];
  const parsedCommon = CommonConfig.safeParse(common);
  if (!parsedCommon.success) issues.push(...describe(parsedCommon.error.issues));
  const parsedOwn = provider.configSchema.safeParse(own);
  if (!parsedOwn.success) {
    issues.push(...describe(parsedOwn.error.issues));
  } else {
    // Provider schemas drop unknown keys silently; a misspelt `secert` should not be.
    const known = parsedOwn.data as Record<string, unknown>;
    for (const key of Object.keys(own)) {
      if (!Object.hasOwn(known, key))
        issues.push(`config.${key}: not a setting of provider ${provider.name}`);
    }
  }
  if (issues.length > 0 || !parsedOwn.success || !parsedCommon.success) {
    throw new ApiError(422, "validation_error", `Invalid config: ${issues.join("; ")}`);
  }
  const stored: Record<string, unknown> = { ...(parsedOwn.data as Record<string, unknown>) };
  stored.ipAllowlist = parsedCommon.data.ipAllowlist;
  if (parsedCommon.data.rateLimits != null) stored.rateLimits = parsedCommon.data.rateLimits;
  return stored;
}

function describe(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `config${i.path.map((p) => `.${String(p)}`).join("")}: ${i.message}`);
}

/**
 * Secret fields sent back exactly as masked keep their stored value, so a GET → PUT round trip is safe.
 *
 * @example keepMaskedSecrets({ secret: "whsec_…LaSw" }, stored) // { secret: <the stored secret> }
 */
export function keepMaskedSecrets(
  input: Record<string, unknown>,
  current: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...input };
  for (const field of SECRET_FIELDS) {
    const was = current[field];
    if (typeof was === "string" && out[field] === maskSecret(was)) out[field] = was;
  }
  return out;
}

/** A config with its secret fields masked for the API. */
function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const field of SECRET_FIELDS) {
    const value = out[field];
    if (typeof value === "string") out[field] = maskSecret(value);
  }
  return out;
}
