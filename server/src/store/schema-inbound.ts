/**
 * The inbound tables' row shapes (migrations 0002 and 0007), apart from the rest of the schema
 * because they form one concept: sources, the request log, its re-process links and the
 * rate-limit windows. `schema.ts` re-exports them; the conventions are the same.
 */

/** An inbound source: a provider bound to an application (migration 0002). */
export interface SourceRow {
  id: string;
  app_id: string;
  uid: string | null;
  name: string;
  provider: string;
  /** The provider's name for delivery platforms (one per application, reached at /webhooks/{provider}/{app}); else null. */
  platform: string | null;
  /** JSON of the provider config, ipAllowlist and rateLimits, sealed with the data keyring (ADR 5). */
  config: string;
  created_at: number;
  updated_at: number;
}

/**
 * What a Svix ingest source has beyond its source row (migration 0018): `source_id` is the
 * source's id, `app_id` the internal application its endpoints belong to.
 */
export interface IngestSourceRow {
  source_id: string;
  app_id: string;
  /** Unique across the whole instance (ingest sources are not under an application). */
  uid: string | null;
  /** Svix's type name: `stripe`, `svix`, `generic-webhook`, or one of Hookrelay's providers. */
  type: string;
  /** JSON object of strings. */
  metadata: string;
  /** The ingest URL's token, sealed with the data keyring (ADR 5). */
  token: string;
  /** SHA-256 (hex) of the token: how a request finds its source. */
  token_hash: string;
  created_at: number;
  updated_at: number;
}

/** Outcome of an inbound request. */
export type InboundStatus = "accepted" | "rejected" | "duplicate";

/** One request received by a source, whatever became of it. */
export interface InboundRequestRow {
  id: string;
  source_id: string;
  app_id: string;
  provider: string;
  status: InboundStatus;
  /** Why it was rejected (a VerifyFailure, `ip_not_allowed`, `rate_limited`); null otherwise. */
  reason: string | null;
  provider_event_type: string | null;
  event_id: string | null;
  /** The event id while this accepted request de-duplicates redeliveries; unique per source. */
  dedupe_key: string | null;
  /**
   * Until when (epoch ms) `dedupe_key` refuses copies: received_at plus a day for schemes that
   * sign a timestamp, plus the retention for those that do not. Null: the fixed one-day window.
   */
  dedupe_until: number | null;
  /** The message it became (accepted, retried) or the original's message (duplicate). */
  msg_id: string | null;
  source_ip: string | null;
  /** JSON object of lower-cased headers, credentials and signatures redacted. */
  headers: string;
  body: string;
  body_encoding: "utf8" | "base64";
  /** 1 when only the first bytes of a rejected request's body were kept. */
  body_truncated: number;
  /** Body size in bytes as received. */
  size: number;
  processing_ms: number;
  received_at: number;
  retried_at: number | null;
}

/** One re-process of a logged inbound request: the message it made and who made it. */
export interface InboundReprocessRow {
  id: string;
  request_id: string;
  msg_id: string;
  /** 1 when the request had been rejected and the rejection was overridden (`force`). */
  forced: number;
  actor_token_id: string;
  /** The token's name at the time, as the audit log shows actors. */
  actor_name: string;
  created_at: number;
}

/** rate-limiter-flexible's PostgreSQL counter table; unused on SQLite. */
export interface InboundRateLimitRow {
  key: string;
  points: number;
  expire: number | null;
}
