import { type CompiledQuery, sql } from "kysely";

import type { Store } from "../database.js";
import { CircuitState, type DeliveryRow, DeliveryStatus, type EndpointRow, type MessageRow } from "../schema.js";

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
  /**
   * Deliveries one endpoint may have leased at once (across every worker) unless it sets its
   * own `max_in_flight`; the worker passes HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT. Absent: no cap.
   */
  maxInFlight?: number;
  /**
   * A FIFO endpoint's delivery goes only once it is this old (HOOKRELAY_FIFO_SAFETY_LAG_MS):
   * a message id is made before its transaction commits, so a smaller id may still be on its
   * way to the table (ADR 18). Absent: 0.
   */
  fifoSafetyLagMs?: number;
}

/** The endpoint columns a worker needs to send. @example claimed.endpoint.url */
export type ClaimedEndpoint = Pick<
  EndpointRow,
  "id" | "url" | "secret" | "old_secrets" | "headers" | "disabled" | "first_failure_at" | "throttle_rate"
  // The endpoint's own retry schedule (migration 0011); the other levels come from the worker's policy cache.
  | "retry_schedule"
  // How deliveries are signed (migration 0017).
  | "signature_scheme"
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
const { closed, open } = CircuitState;
// Any constant shared by every instance: the key of the advisory lock that orders claims.
const CLAIM_LOCK = 0x686b72; // "hkr"
// The scan reads this many times `limit` due rows, so an endpoint that fills its cap within
// the scan still leaves room for others in the same claim.
const SCAN_FACTOR = 2;
const NO_CAP = 1_000_000;

/**
 * Reserves up to `limit` due deliveries, earliest first, and returns them with their
 * endpoint and message. Pending rows (status 1) are due at their next attempt time; sending
 * rows (status 3) are due when their lease expires, which is how a crashed worker's rows
 * come back.
 *
 * Isolation and the circuit breaker are decided here (ADR 9), from what the database holds so
 * every instance agrees: an endpoint may have at most its cap of rows under a live lease
 * (`max_in_flight`, else `options.maxInFlight`); an open circuit allows none until its probe
 * is due, then one (the probe: the circuit turns half-open in the same transaction), and a
 * half-open one allows one, which its probe in flight already uses. Endpoints that may take
 * nothing more are left out of the scan of the queue index, so a backlog behind a hanging or
 * broken endpoint never hides the deliveries of healthy ones; within the scan each endpoint
 * gets at most what its cap leaves.
 *
 * A FIFO endpoint (ADR 18) has a cap of one, and only its head may be claimed: the delivery
 * with no unfinished delivery of the same endpoint at a smaller message id (one probe of the
 * `deliveries_unfinished` index), once it is `fifoSafetyLagMs` old. A head waiting for its
 * retry holds the rest, which are left out of the scan, not counted against it.
 *
 * The reservation is one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *`. SQLite has a
 * single writer, so the statement is atomic as it stands. On PostgreSQL the scan takes
 * `FOR UPDATE SKIP LOCKED`, and the transaction first takes an advisory lock that orders the
 * claims of every instance: each claim counts the leases committed by the one before, so a cap
 * or a probe is never granted twice by two instances claiming at the same moment.
 *
 * @example const batch = await claimDeliveries(store, { owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 100, maxInFlight: 64 });
 */
export async function claimDeliveries(
  store: Pick<Store, "db" | "dialect" | "atomic">,
  options: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  const { db, dialect } = store;
  const { owner, now, leaseMs } = options;
  const leaseUntil = now + leaseMs;
  const queries: CompiledQuery[] = [];
  if (dialect === "postgres") queries.push(sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`.compile(db));
  queries.push(claimQuery(store, options, leaseUntil));
  // RETURNING cannot join on SQLite, and a message fanned out to several endpoints would
  // repeat its payload in a join. So the same transaction reads each endpoint and message
  // once, finding the rows just leased by their lease (this owner, this expiry) through the
  // queue index; the statements travel to the database together.
  const leased = (column: "endpoint_id" | "msg_id") =>
    db
      .selectFrom("deliveries")
      .select(column)
      .where("due_at", "=", leaseUntil)
      .where("lease_owner", "=", owner)
      .where("status", "=", sending);
  queries.push(
    // The probe of an open circuit has just been leased: half-open until its result is written.
    db
      .updateTable("endpoints")
      .set({ circuit_state: CircuitState.halfOpen })
      .where("circuit_state", "=", CircuitState.open)
      .where("id", "in", leased("endpoint_id"))
      .compile(),
    db
      .selectFrom("endpoints")
      .select(["id", "url", "secret", "old_secrets", "headers", "disabled", "first_failure_at", "throttle_rate", "retry_schedule", "signature_scheme"])
      .where("id", "in", leased("endpoint_id"))
      .compile(),
    db
      .selectFrom("messages")
      .select(["id", "payload", "event_type", "created_at"])
      .where("id", "in", leased("msg_id"))
      .compile(),
  );
  const results = await store.atomic(queries);
  const [claimedResult, , endpointRows, messageRows] = results.slice(dialect === "postgres" ? 1 : 0);
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
  // Message order: its creation time, then its id (ids sort by creation, so two messages of one
  // millisecond keep theirs), whenever the worker's expansion wrote the rows (ADR 0022).
  return result.sort(
    (a, b) =>
      a.delivery.created_at - b.delivery.created_at ||
      (a.delivery.msg_id < b.delivery.msg_id ? -1 : a.delivery.msg_id > b.delivery.msg_id ? 1 : 0),
  );
}

/**
 * The claim statement. `in_flight` counts live leases per endpoint through the partial index
 * on sending rows (a few hundred rows at most, however long the queue); `cap` is what each
 * endpoint may have leased now; `blocked` lists the endpoints at their cap and those whose circuit waits
 * for its cool-down (their rows are left out of the scan); `fifo` the enabled FIFO endpoints,
 * whose rows pass the scan only as their endpoint's head. A disabled FIFO endpoint's rows are
 * all claimed at once, as any disabled endpoint's, to be failed without an attempt.
 */
function claimQuery(
  store: Pick<Store, "db" | "dialect">,
  options: ClaimOptions,
  leaseUntil: number,
): CompiledQuery {
  const { owner, now, limit, maxInFlight = NO_CAP, fifoSafetyLagMs = 0 } = options;
  const lock = store.dialect === "postgres" ? sql`FOR UPDATE OF q SKIP LOCKED` : sql``;
  // A delivery whose endpoint is gone, or disabled, is claimed all the same, to be failed
  // without an attempt (below, or by the worker), whatever the circuit says.
  const cap = sql`CASE
      WHEN e.id IS NULL OR e.disabled = 1 THEN ${limit}
      WHEN e.circuit_state = ${closed} AND e.fifo = 1 THEN 1
      WHEN e.circuit_state = ${closed} THEN COALESCE(e.max_in_flight, ${maxInFlight})
      WHEN e.circuit_state = ${open} AND e.circuit_next_probe_at > ${now} THEN 0
      ELSE 1 END`;
  return sql`
    WITH in_flight AS (
      SELECT endpoint_id, COUNT(*) AS n FROM deliveries
      WHERE status = ${sending} AND due_at > ${now}
      GROUP BY endpoint_id
    ),
    fifo AS (SELECT id FROM endpoints WHERE fifo = 1 AND disabled = 0),
    blocked AS (
      SELECT i.endpoint_id FROM in_flight i JOIN endpoints e ON e.id = i.endpoint_id WHERE i.n >= ${cap}
      UNION
      SELECT id FROM endpoints WHERE circuit_state = ${open} AND circuit_next_probe_at > ${now} AND disabled = 0
    )
    UPDATE deliveries SET status = ${sending}, due_at = ${leaseUntil}, lease_owner = ${owner}, updated_at = ${now}
    WHERE id IN (
      SELECT r.id FROM (
        SELECT c.id, c.endpoint_id, c.due_at,
          ROW_NUMBER() OVER (PARTITION BY c.endpoint_id ORDER BY c.due_at, c.id) AS rn
        FROM (
          SELECT q.id, q.endpoint_id, q.due_at FROM deliveries q
          WHERE q.due_at <= ${now} AND q.status IN (${pending}, ${sending})
            AND q.endpoint_id NOT IN (SELECT endpoint_id FROM blocked)
            AND (q.endpoint_id NOT IN (SELECT id FROM fifo) OR (
              q.created_at <= ${now - fifoSafetyLagMs}
              AND NOT EXISTS (
                SELECT 1 FROM deliveries h
                WHERE h.endpoint_id = q.endpoint_id AND h.due_at IS NOT NULL AND h.msg_id < q.msg_id
              )))
          ORDER BY q.due_at
          LIMIT ${limit * SCAN_FACTOR}
          ${lock}
        ) c
      ) r
      LEFT JOIN endpoints e ON e.id = r.endpoint_id
      LEFT JOIN in_flight i ON i.endpoint_id = r.endpoint_id
      WHERE r.rn + COALESCE(i.n, 0) <= ${cap}
      ORDER BY r.due_at
      LIMIT ${limit}
    )
    RETURNING *`.compile(store.db);
}
