import { type CompiledQuery, sql } from "kysely";

import { parsePayloadForFilter } from "../../lib/content-filter.js";
import { parseJson } from "../../lib/json.js";
import type { Store } from "../database.js";
import type { EndpointRoute } from "../fanout-cache.js";
import { insertQueries } from "../insert-queries.js";
import { newDeliveryRow } from "../new-delivery-row.js";
import { type DeliveryRow, type MessageRow } from "../schema.js";

/**
 * What a worker asks of {@link expandMessages}.
 *
 * @example const options: ExpandOptions = { owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 500 };
 */
export interface ExpandOptions {
  /** The worker; its lease fences the commit. */
  owner: string;
  now: number;
  /** How long the claimed messages stay reserved: far longer than a batch takes. */
  leaseMs: number;
  /** Messages claimed at most. */
  limit: number;
  /** Delivery rows per transaction at most (at least one message each); default 10,000. */
  maxRows?: number;
}

/** What one call expanded. @example if (result.messages > 0) wakeup.notify(); */
export interface ExpandResult {
  /** Messages claimed (a full batch means there may be more). */
  claimed: number;
  /** Messages marked expanded by this call. */
  messages: number;
  /** Delivery rows written. */
  deliveries: number;
  /** Per message expanded: milliseconds from its commit (`created_at`) to its expansion. */
  lagsMs: number[];
}

type ClaimedRow = Pick<
  MessageRow,
  "id" | "app_id" | "event_type" | "channels" | "payload" | "deliver_at" | "created_at" | "only_endpoint_id"
>;

const DELIVERY_COLUMNS = [
  "id",
  "msg_id",
  "app_id",
  "endpoint_id",
  "status",
  "attempt_count",
  "due_at",
  "lease_owner",
  "last_attempt_at",
  "last_status_code",
  "next_trigger",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof DeliveryRow)[];
const DEFAULT_MAX_ROWS = 10_000;

/**
 * Fan-out in the worker (ADR 0022): claims up to `limit` committed messages not yet expanded,
 * oldest first, and writes one delivery row per endpoint that matches each of them *now*
 * (enabled, not polling, event type, channels, content filter: the endpoints of
 * {@link Store.fanoutCache}), as Svix matches at dispatch.
 *
 * The claim is a lease, as a delivery's: one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`
 * sets `expand_owner`/`expand_until`; on PostgreSQL the scan takes `FOR UPDATE SKIP LOCKED`, so
 * instances claiming together take disjoint batches. Each transaction then inserts a chunk's
 * delivery rows and marks its messages expanded, fenced on the lease: a crash between the two
 * never happens (one transaction), and a crash between chunks leaves the rest leased until
 * `expand_until`, when any worker claims and expands them. The unique (msg_id, endpoint_id)
 * index, with ON CONFLICT DO NOTHING, keeps a pair from ever having two rows — should a lease
 * run out under a stalled worker, or a resend have created the row first.
 *
 * Delivery rows carry what the queue orders by: `due_at` (the message's `deliver_at`, else its
 * `created_at`) and `created_at` = the message's, and ids made in message order.
 *
 * @example const { messages, lagsMs } = await expandMessages(store, { owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 500 });
 */
export async function expandMessages(
  store: Pick<Store, "db" | "dialect" | "atomic" | "fanoutCache">,
  options: ExpandOptions,
): Promise<ExpandResult> {
  const { db, dialect } = store;
  const { owner, now, leaseMs, limit } = options;
  const lock = dialect === "postgres" ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const claimed = await sql<ClaimedRow>`
    UPDATE messages SET expand_owner = ${owner}, expand_until = ${now + leaseMs}
    WHERE id IN (
      SELECT id FROM messages
      WHERE expanded_at IS NULL AND (expand_until IS NULL OR expand_until <= ${now})
      ORDER BY id
      LIMIT ${limit}
      ${lock}
    )
    RETURNING id, app_id, event_type, channels, payload, deliver_at, created_at, only_endpoint_id`.execute(db);
  const rows = claimed.rows.map((r) => ({
    ...r,
    created_at: Number(r.created_at),
    deliver_at: r.deliver_at == null ? null : Number(r.deliver_at),
  }));
  const result: ExpandResult = { claimed: rows.length, messages: 0, deliveries: 0, lagsMs: [] };
  if (rows.length === 0) return result;
  // RETURNING has no order: message order is id order (ids sort by creation time).
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byApp = await store.fanoutCache.forApps([...new Set(rows.map((r) => r.app_id))]);

  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  let chunk: ClaimedRow[] = [];
  let deliveries: DeliveryRow[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const committedAt = Date.now();
    const queries: CompiledQuery[] = [
      ...insertQueries(dialect, "deliveries", DELIVERY_COLUMNS, deliveries, ["msg_id", "endpoint_id"]),
      db
        .updateTable("messages")
        .set({ expanded_at: committedAt, expand_owner: null, expand_until: null })
        .where(
          "id",
          "in",
          chunk.map((m) => m.id),
        )
        .where("expand_owner", "=", owner)
        .compile(),
    ];
    await store.atomic(queries);
    result.messages += chunk.length;
    result.deliveries += deliveries.length;
    for (const m of chunk) result.lagsMs.push(Math.max(0, committedAt - m.created_at));
    chunk = [];
    deliveries = [];
  };
  for (const message of rows) {
    const targets = matchingEndpoints(message, byApp.get(message.app_id) ?? []);
    if (chunk.length > 0 && deliveries.length + targets.length > maxRows) await flush();
    chunk.push(message);
    for (const endpointId of targets) deliveries.push(newDelivery(message, endpointId, now));
  }
  await flush();
  return result;
}

/** The ids of the endpoints a message goes to, in endpoint order. */
function matchingEndpoints(message: ClaimedRow, routes: readonly EndpointRoute[]): string[] {
  // send-example names its endpoint: its filters, content filter included, do not apply.
  if (message.only_endpoint_id) {
    return routes.some((r) => r.id === message.only_endpoint_id) ? [message.only_endpoint_id] : [];
  }
  const channels = parseJson<string[] | null>(message.channels, null);
  const payload = new PayloadOnce(message.payload);
  const ids: string[] = [];
  for (const ep of routes) {
    if (!endpointMatches(ep, { eventType: message.event_type, channels })) continue;
    if (ep.contentFilter && !payload.passes(ep.contentFilter)) continue;
    ids.push(ep.id);
  }
  return ids;
}

/**
 * Does an endpoint with these filters receive this message? Svix semantics: no filter = everything.
 *
 * @example endpointMatches({ eventTypes: ["user.created"], channels: null }, { eventType: "user.created", channels: null }) // true
 */
export function endpointMatches(
  endpoint: { eventTypes: string[] | null; channels: string[] | null },
  message: { eventType: string; channels: string[] | null },
): boolean {
  if (endpoint.eventTypes && endpoint.eventTypes.length > 0 && !endpoint.eventTypes.includes(message.eventType)) {
    return false;
  }
  if (endpoint.channels && endpoint.channels.length > 0) {
    return (message.channels ?? []).some((c) => endpoint.channels!.includes(c));
  }
  return true;
}

/**
 * A message's payload parsed for content filters at most once, and only when an endpoint that
 * matched on type and channels has a filter (ADR 0017): most fan-outs never parse. A payload that
 * does not parse (none should: it was validated on the way in), or was expunged, passes no filter.
 */
class PayloadOnce {
  private parsed: { value: unknown } | null | undefined;

  constructor(private readonly text: string | null) {}

  passes(filter: (payload: unknown) => boolean): boolean {
    if (this.parsed === undefined) {
      try {
        this.parsed = this.text === null ? null : { value: parsePayloadForFilter(this.text) };
      } catch {
        this.parsed = null;
      }
    }
    return this.parsed !== null && filter(this.parsed.value);
  }
}

function newDelivery(message: ClaimedRow, endpointId: string, now: number): DeliveryRow {
  return newDeliveryRow({
    msgId: message.id,
    appId: message.app_id,
    endpointId,
    dueAt: message.deliver_at ?? message.created_at,
    createdAt: message.created_at,
    now,
    manual: false,
  });
}
