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

export type Seq = Generated<number>;
