import type { Store } from "../database.js";
import { type DeliveryRow, DeliveryStatus, type EndpointRow, type MessageRow } from "../schema.js";

/**
 * What a worker asks of {@link claimDeliveries}.
 *
 * @example const options: ClaimOptions = { owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 100 };
 */
export interface ClaimOptions {
  /** Identifies the worker; every later write about the claimed rows is fenced on it. */
  owner: string;
  now: number;
  /** How long the rows stay reserved: longer than an HTTP attempt can take, plus margin. */
  leaseMs: number;
  limit: number;
}

/** The endpoint columns a worker needs to send. @example claimed.endpoint.url */
export type ClaimedEndpoint = Pick<
  EndpointRow,
  "id" | "url" | "secret" | "old_secrets" | "headers" | "disabled" | "first_failure_at" | "throttle_rate"
  // The endpoint's own retry schedule (migration 0011); the other levels come from the worker's policy cache.
  | "retry_schedule"
>;
/** The message columns a worker needs to send. @example claimed.message.payload */
export type ClaimedMessage = Pick<MessageRow, "id" | "payload" | "event_type" | "created_at">;

/**
 * A delivery reserved for one worker, with what it needs to send it.
 *
 * @example for (const { delivery, endpoint, message } of await queue.claim(options)) send(endpoint.url, message.payload);
 */
export interface ClaimedDelivery {
  /** The row as claimed: status 3 (sending), `due_at` = lease expiry, `lease_owner` = owner. */
  delivery: DeliveryRow;
  endpoint: ClaimedEndpoint;
  message: ClaimedMessage;
}

const { pending, fail, sending } = DeliveryStatus;

/**
 * Reserves up to `limit` due deliveries, earliest first, and returns them with their
 * endpoint and message. Pending rows (status 1) are due at their next attempt time; sending
 * rows (status 3) are due when their lease expires, which is how a crashed worker's rows
 * come back.
 *
 * The reservation is one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *`. SQLite has a
 * single writer, so the statement is atomic as it stands. On PostgreSQL the inner select
 * takes `FOR UPDATE SKIP LOCKED`: concurrent workers each lock a disjoint set of rows instead
 * of queueing behind (or double-claiming) the same earliest ones.
 *
 * @example const batch = await claimDeliveries(store, { owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 100 });
 */
export async function claimDeliveries(
  store: Pick<Store, "db" | "dialect" | "atomic">,
  options: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  const { db, dialect } = store;
  const { owner, now, leaseMs, limit } = options;
  const leaseUntil = now + leaseMs;
  const claim = db
    .updateTable("deliveries")
    .set({ status: sending, due_at: leaseUntil, lease_owner: owner, updated_at: now })
    .where("id", "in", (eb) => {
      const due = eb
        .selectFrom("deliveries as q")
        .select("q.id")
        .where("q.due_at", "<=", now)
        .where("q.status", "in", [pending, sending])
        .orderBy("q.due_at")
        .limit(limit);
      return dialect === "postgres" ? due.forUpdate().skipLocked() : due;
    })
    .returningAll()
    .compile();
  // RETURNING cannot join on SQLite, and a message fanned out to several endpoints would
  // repeat its payload in a join. So the same transaction reads each endpoint and message
  // once, finding the rows just leased by their lease (this owner, this expiry) through the
  // queue index; the three statements travel to the database together.
  const leased = (column: "endpoint_id" | "msg_id") =>
    db
      .selectFrom("deliveries")
      .select(column)
      .where("due_at", "=", leaseUntil)
      .where("lease_owner", "=", owner)
      .where("status", "=", sending);
  const [claimedResult, endpointRows, messageRows] = await store.atomic([
    claim,
    db
      .selectFrom("endpoints")
      .select(["id", "url", "secret", "old_secrets", "headers", "disabled", "first_failure_at", "throttle_rate", "retry_schedule"])
      .where("id", "in", leased("endpoint_id"))
      .compile(),
    db
      .selectFrom("messages")
      .select(["id", "payload", "event_type", "created_at"])
      .where("id", "in", leased("msg_id"))
      .compile(),
  ]);
  const claimed = claimedResult!.rows as DeliveryRow[];
  if (claimed.length === 0) return [];
  const endpoints = new Map((endpointRows!.rows as ClaimedEndpoint[]).map((row) => [row.id, row]));
  const messages = new Map((messageRows!.rows as ClaimedMessage[]).map((row) => [row.id, row]));

  const result: ClaimedDelivery[] = [];
  const orphans: string[] = [];
  for (const delivery of claimed) {
    const endpoint = endpoints.get(delivery.endpoint_id);
    const message = messages.get(delivery.msg_id);
    if (endpoint && message) result.push({ delivery, endpoint, message });
    else orphans.push(delivery.id);
  }
  // Deleted between fan-out and claim (an application or endpoint deletion racing the
  // queue): nothing can be sent, and leaving the lease would bring the row back forever.
  if (orphans.length > 0) {
    await db
      .updateTable("deliveries")
      .set({ status: fail, due_at: null, lease_owner: null, updated_at: now })
      .where("id", "in", orphans)
      .where("lease_owner", "=", owner)
      .execute();
  }
  return result.sort((a, b) => a.delivery.created_at - b.delivery.created_at);
}
