import type { Generated } from "kysely";

import type { InboundRateLimitRow, InboundReprocessRow, InboundRequestRow, IngestSourceRow, SourceRow } from "./schema-inbound.js";

export type { InboundRateLimitRow, InboundReprocessRow, InboundRequestRow, InboundStatus, IngestSourceRow, SourceRow } from "./schema-inbound.js";

/**
 * Table shapes shared by SQLite and PostgreSQL. Times are integer milliseconds since the epoch,
 * booleans are 0/1 and structured values are JSON text, so both engines store and return the
 * same values and the repositories need no per-dialect code.
 */
export interface Database {
  applications: ApplicationRow;
  event_types: EventTypeRow;
  endpoints: EndpointTable;
  messages: MessageRow;
  deliveries: DeliveryRow;
  attempts: AttemptRow;
  tokens: TokenRow;
  idempotency_keys: IdempotencyRow;
  tasks: TaskRow;
  sources: SourceRow;
  ingest_sources: IngestSourceRow;
  inbound_requests: InboundRequestRow;
  inbound_rate_limits: InboundRateLimitRow;
  inbound_reprocesses: InboundReprocessRow;
  stats_hourly: StatsHourlyRow;
  audit_log: AuditRow;
  audit_chain: AuditChainRow;
  audit_checkpoints: AuditCheckpointRow;
  worker_heartbeats: WorkerHeartbeatRow;
  throttle_slots: ThrottleSlotRow;
  poller_consumers: PollerConsumerRow;
  endpoint_transformations: EndpointTransformationRow;
}

export interface ApplicationRow {
  id: string;
  uid: string | null;
  name: string;
  metadata: string;
  throttle_rate: number | null;
  /** JSON array of whole seconds between attempts; null = the next level decides (migration 0011). */
  retry_schedule: string | null;
  /** Null for an application users manage; `operational` or `ingest` for internal ones (migration 0018). */
  internal: string | null;
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
  /** JSON array of whole seconds between attempts; null = the next level decides (migration 0011). */
  retry_schedule: string | null;
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
  /** JSON array of whole seconds between attempts; null = the next level decides (migration 0011). */
  retry_schedule: string | null;
  /** Cap on this endpoint's deliveries in flight at once; null = HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT (migration 0008). */
  max_in_flight: number | null;
  /** Disable after this many consecutive failed attempts; null = never on a count. */
  disable_after_failures: number | null;
  /** Circuit breaker: 0 closed, 1 open, 2 half-open (a probe is out). See `CircuitState`. */
  circuit_state: number;
  /** Failed attempts since the last success. */
  consecutive_failures: number;
  /** Times the circuit opened without a success between: the cool-down doubles with each. */
  circuit_opens: number;
  /** While open: when one probe delivery may go out. */
  circuit_next_probe_at: number | null;
  /** Start of the failure-rate window, and the attempts and failures counted in it. */
  window_started_at: number | null;
  window_attempts: number;
  window_failures: number;
  /**
   * 1: a polling endpoint (migration 0012): read through the poller API, never delivered to.
   * Optional because the column defaults to 0; every row read from the database has it.
   */
  polling?: number;
  /**
   * How deliveries are signed (migration 0017): `standard-webhooks` or `x-webhook-signature`
   * (`lib/signature-schemes.ts`). Optional because the column has a default.
   */
  signature_scheme?: string;
  /** The `whpk_` public key of the current secret when it is an ed25519 `whsk_` key; null for HMAC (migration 0017). */
  public_key?: string | null;
  /**
   * JSON object: the content filter on payload fields (migration 0015, `lib/content-filter.ts`);
   * null = every payload. Optional like `polling`; every row read from the database has it.
   */
  content_filter?: string | null;
  /**
   * 1: a FIFO endpoint (migration 0016): one delivery at a time, in message-id order (ADR 18).
   * Optional because the column defaults to 0; every row read from the database has it.
   */
  fifo?: number;
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

/** The endpoints table as Kysely sees it: the breaker's counters default to 0 on insert. */
export type EndpointTable = Omit<
  EndpointRow,
  "circuit_state" | "consecutive_failures" | "circuit_opens" | "window_attempts" | "window_failures"
> & {
  circuit_state: Generated<number>;
  consecutive_failures: Generated<number>;
  circuit_opens: Generated<number>;
  window_attempts: Generated<number>;
  window_failures: Generated<number>;
};

/** Circuit breaker states as stored in `endpoints.circuit_state`. */
export const CircuitState = { closed: 0, open: 1, halfOpen: 2 } as const;

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
  /** When the worker wrote its deliveries (ADR 0022); null = not yet expanded. */
  expanded_at?: number | null;
  /** The worker expanding it now, and until when (its lease). */
  expand_owner?: string | null;
  expand_until?: number | null;
  /** send-example: expand to this endpoint only; null = every matching endpoint. */
  only_endpoint_id?: string | null;
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

/**
 * A background task (migration 0010): recover, bulk replay, replay missing, purge contents.
 * The worker's task runner leases it like a delivery and runs it in batches; each batch's
 * effect commits with the new `cursor` and counts, so a crash repeats no finished batch.
 */
export interface TaskRow {
  id: string;
  /** The application; "" for tasks over every application (statistics, migration 0019). */
  app_id: string;
  /** Null for application-wide tasks (purge contents). */
  endpoint_id: string | null;
  /** Svix's BackgroundTaskType: endpoint.recover, endpoint.bulk-replay, endpoint.replay, application.purge_content. */
  task: string;
  /** running | finished | failed */
  status: string;
  /** JSON of the request: `{ since, until, … }` in ms and filter values. */
  params: string;
  /** The last id a committed batch handled; null before the first batch. */
  cursor: string | null;
  /** Rows looked at by committed batches. */
  scanned: number;
  /** Rows changed: messages queued again (replays) or payloads purged. */
  affected: number;
  /** Candidates counted when the first batch ran; null before. */
  total: number | null;
  /** Why a task failed. */
  error: string | null;
  /**
   * JSON of what a computing task found (`application.stats`, `event-type.aggregate`), appended
   * batch by batch; null for the others (migration 0019). Optional: rows written before have none.
   */
  result?: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
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

/** A running delivery worker's latest report of itself (migration 0013). */
/** An endpoint's transformation (migration 0014, ADR 16). */
export interface EndpointTransformationRow {
  endpoint_id: string;
  /** The handler's source; null when none is set. */
  code: string | null;
  /** 1: runs on every delivery to the endpoint (when code is set). */
  enabled: number;
  updated_at: number;
}

export interface WorkerHeartbeatRow {
  owner: string;
  host: string;
  pid: number;
  started_at: number;
  /** When its last claim round answered; null before the first. */
  last_claim_at: number | null;
  reported_at: number;
}

/**
 * The shared throttle of one endpoint (`ep:<id>`) or application (`app:<id>`) on PostgreSQL:
 * `tat` is the next free send slot (ms, fractional), `start_at` the first slot of the latest
 * reservation (migration 0011, `store/throttle-slots.ts`).
 */
export interface ThrottleSlotRow {
  key: string;
  tat: number;
  start_at: number;
  updated_at: number;
}
