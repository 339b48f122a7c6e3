import type { Generated } from "kysely";

/**
 * Table shapes shared by SQLite and PostgreSQL. Times are integer milliseconds since the epoch,
 * booleans are 0/1 and structured values are JSON text, so both engines store and return the
 * same values and the repositories need no per-dialect code.
 */
export interface Database {
  applications: ApplicationRow;
  event_types: EventTypeRow;
  endpoints: EndpointRow;
  messages: MessageRow;
  deliveries: DeliveryRow;
  attempts: AttemptRow;
  tokens: TokenRow;
  idempotency_keys: IdempotencyRow;
  tasks: TaskRow;
  sources: SourceRow;
  inbound_requests: InboundRequestRow;
  inbound_rate_limits: InboundRateLimitRow;
  inbound_reprocesses: InboundReprocessRow;
  stats_hourly: StatsHourlyRow;
  audit_log: AuditRow;
  audit_chain: AuditChainRow;
  audit_checkpoints: AuditCheckpointRow;
  poller_consumers: PollerConsumerRow;
}

export interface ApplicationRow {
  id: string;
  uid: string | null;
  name: string;
  metadata: string;
  throttle_rate: number | null;
  created_at: number;
  updated_at: number;
}

export interface EventTypeRow {
  name: string;
  description: string;
  archived: number;
  deprecated: number;
  feature_flag: string | null;
  schemas: string | null;
  created_at: number;
  updated_at: number;
}

export interface EndpointRow {
  id: string;
  app_id: string;
  uid: string | null;
  url: string;
  description: string;
  disabled: number;
  /** JSON array of event type names, or null for "all types". */
  event_types: string | null;
  /** JSON array of channels, or null for "all channels". */
  channels: string | null;
  metadata: string;
  throttle_rate: number | null;
  secret: string;
  /** JSON array of `{ key, expiresAt }`: previous secrets still signing during their grace period. */
  old_secrets: string;
  /** JSON object of custom headers sent with every delivery. */
  headers: string;
  /** Start of the current run of failures; null while the endpoint is healthy. */
  first_failure_at: number | null;
  /**
   * 1: a polling endpoint (migration 0012): read through the poller API, never delivered to.
   * Optional because the column defaults to 0; every row read from the database has it.
   */
  polling?: number;
  created_at: number;
  updated_at: number;
}

/** A consumer's position on a polling endpoint (migration 0012). */
export interface PollerConsumerRow {
  endpoint_id: string;
  consumer_id: string;
  app_id: string;
  /** Exclusive message-id cursor: every message with a smaller id has been acknowledged. */
  position: string;
  created_at: number;
  updated_at: number;
}

export interface MessageRow {
  id: string;
  app_id: string;
  event_type: string;
  event_id: string | null;
  /** The JSON payload; null once expunged or past retention. */
  payload: string | null;
  channels: string | null;
  tags: string | null;
  /** Requested delivery time for scheduled messages; null = at once. */
  deliver_at: number | null;
  created_at: number;
  /** When the payload may be deleted by retention. */
  expires_at: number;
}

/** Delivery status, numbered as Svix's MessageStatus. */
export const DeliveryStatus = { success: 0, pending: 1, fail: 2, sending: 3 } as const;
export type DeliveryStatusCode = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/**
 * One (message, endpoint) pair: the queue itself. `due_at` is when a worker may claim it:
 * the next attempt time while pending, the lease expiry while sending, null when finished.
 */
export interface DeliveryRow {
  id: string;
  msg_id: string;
  app_id: string;
  endpoint_id: string;
  status: number;
  attempt_count: number;
  due_at: number | null;
  lease_owner: string | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  /**
   * Trigger of the next attempt: 0 = scheduled, 1 = manual (resend / recover). A manual
   * attempt is a single shot: if it fails the delivery goes back to failed, not into retries.
   */
  next_trigger: number;
  created_at: number;
  updated_at: number;
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  msg_id: string;
  app_id: string;
  endpoint_id: string;
  url: string;
  status: number;
  response_status_code: number;
  response: string;
  response_duration_ms: number;
  /** 0 = scheduled, 1 = manual (resend / recover), as Svix's MessageAttemptTriggerType. */
  trigger_type: number;
  created_at: number;
}

export interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  /** When set, the token may only reach this application (consumer portal tokens). */
  app_id: string | null;
  expires_at: number | null;
  created_at: number;
  revoked_at: number | null;
  /** "key" (an API key) or "portal" (a consumer-portal session) — migration 0004. */
  kind: string;
  /** JSON array of scopes (services/scopes.ts). */
  scopes: string;
  read_only: number;
  /** JSON array of CIDRs the token may be used from; null = from anywhere. */
  allowed_cidrs: string | null;
  /** The sessionId a portal session was opened with (expire-all can target it). */
  session_id: string | null;
  /** Hash of the secret replaced by the last rotation, valid until previous_expires_at. */
  previous_hash: string | null;
  previous_expires_at: number | null;
  rotated_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  request_count: number;
}

export interface IdempotencyRow {
  key: string;
  status_code: number;
  body: string;
  created_at: number;
  expires_at: number;
}

export interface TaskRow {
  id: string;
  app_id: string;
  endpoint_id: string;
  task: string;
  status: string;
  created_at: number;
  updated_at: number;
}

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

/**
 * Delivery attempts per endpoint and hour (migration 0003): what the dashboard's day and week
 * figures read, kept when retention deletes the attempts themselves. `lat_N` counts attempts
 * answered in under N ms (and at least the previous bound); `lat_inf` the rest.
 */
export interface StatsHourlyRow {
  endpoint_id: string;
  /** Start of the hour, ms since the epoch. */
  hour: number;
  app_id: string;
  success: number;
  fail: number;
  lat_10: number;
  lat_50: number;
  lat_100: number;
  lat_250: number;
  lat_500: number;
  lat_1000: number;
  lat_5000: number;
  lat_inf: number;
  latency_max_ms: number;
}

/** The latency columns of stats_hourly, one per bucket of `LATENCY_BOUNDS_MS` (lib/latency-histogram). */
export const LATENCY_COLUMNS = [
  "lat_10",
  "lat_50",
  "lat_100",
  "lat_250",
  "lat_500",
  "lat_1000",
  "lat_5000",
  "lat_inf",
] as const satisfies readonly (keyof StatsHourlyRow)[];

export type Seq = Generated<number>;

/** One administrative change (ADR 6). `changes` is JSON: `{ field: { before, after } }`, secrets masked. */
export interface AuditRow {
  seq: number;
  at: number;
  /** "key" (an unscoped API key), "portal" (a token limited to one application) or "cli". */
  actor_type: string;
  /** The token's id; null for the command line. */
  actor_id: string | null;
  actor_name: string;
  /** The application an app-scoped token is limited to. */
  actor_app_id: string | null;
  ip: string | null;
  request_id: string | null;
  action: string;
  app_id: string | null;
  resource_id: string | null;
  changes: string;
  prev_hash: string;
  hash: string;
}

/** The head of the audit chain: always the single row with id 1. */
export interface AuditChainRow {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  created_at: number;
}
