import { z } from "zod";

import { AppParams, ListQuery, Timestamp, Uid } from "./common.js";

/**
 * The inbound providers, by name, in registry order. Written out here rather than read from
 * `providers/registry.ts` so the contract (which the dashboard imports) pulls in no provider
 * code; `sources.test.ts` checks the two lists agree.
 *
 * @example PROVIDER_NAMES.includes("stripe") // true
 */
export const PROVIDER_NAMES = [
  "careem",
  "talabat",
  "deliveroo",
  "jahez",
  "standard-webhooks",
  "stripe",
  "github",
  "shopify",
  "slack",
  "clerk",
  "resend",
  "zoom",
  "segment",
  "hubspot",
  "twilio",
  "hmac",
] as const;

/** Registered provider names, e.g. `careem`, `stripe`, `hmac`. */
export const ProviderName = z.enum(PROVIDER_NAMES);

/** A rate limit of a source: at most `points` requests per `durationSeconds`. */
export const RateLimitIn = z.strictObject({
  points: z.number().int().min(1).max(1_000_000_000),
  durationSeconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400),
});

const SourceConfig = z
  .record(z.string(), z.unknown())
  .describe(
    "The provider's settings (`secret`, `apiKey`, `token`, `clientId`, `toleranceSeconds` …, see the README) " +
      "plus `ipAllowlist` (CIDRs; empty = any address) and `rateLimits` ([{ points, durationSeconds }], " +
      "default: the provider's documented limits). Secrets are write-only and come back masked.",
  )
  .meta({ example: { secret: "whsec_your_stripe_signing_secret", ipAllowlist: [] } });

const fields = {
  uid: Uid.nullish(),
  name: z.string().min(1).max(256).meta({ example: "Stripe (production)" }),
  provider: ProviderName.meta({ example: "stripe" }),
  config: SourceConfig,
};

export const SourceIn = z.strictObject(fields);
export type SourceIn = z.output<typeof SourceIn>;

/** PATCH: `config` is merged key by key into the stored one (unless the provider changes). */
export const SourcePatch = z.strictObject({
  uid: fields.uid,
  name: fields.name.optional(),
  provider: ProviderName.optional(),
  config: SourceConfig.optional(),
});
export type SourcePatch = z.output<typeof SourcePatch>;

export const SourceOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  name: z.string(),
  provider: z.string(),
  /** The stored config with secret fields masked and defaults filled in. */
  config: z.record(z.string(), z.unknown()),
  /** Where the provider should send: the platform URL for delivery platforms, else `/ingest/{id}`. */
  ingestUrl: z.string(),
  /** Every URL that reaches this source. */
  ingestUrls: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SourceOut = z.output<typeof SourceOut>;

export const SourceParams = AppParams.extend({ source_id: z.string().min(1).max(256) });
export const InboundRequestParams = SourceParams.extend({ req_id: z.string().min(1).max(256) });

export const InboundStatus = z.enum(["accepted", "rejected", "duplicate"]);

export const InboundRequestListQuery = ListQuery.extend({
  status: InboundStatus.optional(),
  provider: z.string().min(1).max(64).optional(),
  before: Timestamp.optional(),
  after: Timestamp.optional(),
});
export type InboundRequestListQuery = z.output<typeof InboundRequestListQuery>;

export const InboundRequestOut = z.object({
  id: z.string(),
  sourceId: z.string(),
  status: InboundStatus,
  /** Why it was rejected: `ip_not_allowed`, `rate_limited`, or a signature check's failure. */
  reason: z.string().nullable(),
  provider: z.string(),
  providerEventType: z.string().nullable(),
  eventId: z.string().nullable(),
  receivedAt: z.string(),
  /** Body size in bytes as received. */
  size: z.number(),
  /** From arrival to the hand-off for commit (checks, verification, normalization); the commit is not included. */
  processingMs: z.number(),
  /** The message it became; for a duplicate, the first copy's message. */
  msgId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  /** When it was last re-processed; each re-process is listed in the request's detail. */
  retriedAt: z.string().nullable(),
});
export type InboundRequestOut = z.output<typeof InboundRequestOut>;

/** Options of a re-process. */
export const InboundReprocessIn = z.object({
  /**
   * Process a request that was rejected (bad signature, refused address …) as if it had been
   * accepted. Needs an unscoped token; the dashboard asks for confirmation first.
   */
  force: z.boolean().default(false),
});
export type InboundReprocessIn = z.output<typeof InboundReprocessIn>;

/** One re-process of a logged request: the message it made, and who made it. */
export const InboundReprocessOut = z.object({
  /** `rpr_…` */
  id: z.string(),
  requestId: z.string(),
  msgId: z.string(),
  /** True when the request had been rejected and the rejection was overridden. */
  forced: z.boolean(),
  /** The token that asked for it: its id and its name at the time. */
  actorTokenId: z.string(),
  actorName: z.string(),
  createdAt: z.string(),
});
export type InboundReprocessOut = z.output<typeof InboundReprocessOut>;

export const InboundRequestDetailOut = InboundRequestOut.extend({
  /** Request headers, lower-cased, with credentials and signatures replaced by `[redacted]`. */
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  bodyEncoding: z.enum(["utf8", "base64"]),
  /** True when only the first 4 KiB of a rejected request's body were kept. */
  bodyTruncated: z.boolean(),
  /** Every re-process, oldest first; `msgId` above stays the first message. */
  reprocesses: z.array(InboundReprocessOut),
});
export type InboundRequestDetailOut = z.output<typeof InboundRequestDetailOut>;

/** The answer to a provider's webhook call. */
export const IngestOut = z.object({
  /** `handshake`: a provider's URL check (Slack, Zoom), answered and logged, not relayed. */
  status: z.enum(["accepted", "duplicate", "handshake"]),
  /** The logged request, `req_…`. */
  id: z.string(),
  /** The message the event became (for a duplicate: the first copy's; none for a handshake). */
  msgId: z.string().nullable(),
  /** Slack's `url_verification`: the challenge echoed back. */
  challenge: z.string().optional(),
  /** Zoom's `endpoint.url_validation`: the plain token and its HMAC with the secret token. */
  plainToken: z.string().optional(),
  encryptedToken: z.string().optional(),
});
export type IngestOut = z.output<typeof IngestOut>;

export const PlatformIngestParams = z.object({
  provider: z.string().min(1).max(64),
  app_id: z.string().min(1).max(256),
});
export const SourceIngestParams = z.object({ source_id: z.string().min(1).max(256) });

export const InboundPeriod = z.enum(["hour", "day", "week", "month"]);
export type InboundPeriod = z.output<typeof InboundPeriod>;

export const InboundStatsQuery = z.object({
  provider: z.string().min(1).max(64).optional(),
  /** Application id or uid. */
  app: z.string().min(1).max(256).optional(),
  period: InboundPeriod.default("day"),
});
export type InboundStatsQuery = z.output<typeof InboundStatsQuery>;

const Counts = z.object({
  total: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  duplicate: z.number(),
});

export const InboundStatsOut = z.object({
  period: InboundPeriod,
  from: z.string(),
  to: z.string(),
  total: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  duplicate: z.number(),
  rejectedByReason: z.record(z.string(), z.number()),
  processingMs: z.object({
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
  }),
  byProvider: z.record(z.string(), Counts),
});
export type InboundStatsOut = z.output<typeof InboundStatsOut>;
