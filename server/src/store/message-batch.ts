import type { CompiledQuery } from "kysely";

import type { Store } from "./database.js";
import type { IdempotencyRepository } from "./idempotency-repository.js";
import { INBOUND_REQUEST_COLUMNS } from "./inbound-requests-repository.js";
import { insertQueries } from "./insert-queries.js";
import type { IdempotencyRow, InboundRequestRow, MessageRow } from "./schema.js";

/**
 * One message to write, with what commits alongside it.
 *
 * @example const item: NewMessage = { message, idempotency, inboundRequest };
 */
export interface NewMessage {
  message: MessageRow;
  /** Limit delivery to this endpoint (send-example); otherwise every matching endpoint (at expansion). */
  onlyEndpointId?: string | undefined;
  idempotency?: IdempotencyRow | undefined;
  /** The inbound request this message came from, logged in the same transaction. */
  inboundRequest?: InboundRequestRow | undefined;
}

/**
 * What became of one {@link NewMessage}.
 *
 * @example if (result.ok) wakeup.notify(); else if (result.reason === "idempotent_replay") replay(result.body);
 */
export type InsertResult =
  /** Committed; its deliveries are written when the worker expands it (ADR 0022). */
  | { ok: true }
  | { ok: false; reason: "duplicate_event_id" }
  /** Another request with the same idempotency key was accepted first: answer with its response. */
  | { ok: false; reason: "idempotent_replay"; statusCode: number; body: string }
  /** An inbound event another request of the same source was accepted for (see MessageWriter). */
  | { ok: false; reason: "duplicate_inbound"; msgId: string | null };

/**
 * A batch ready to commit: its statements, and each item's result once they have run.
 *
 * @example const batch = await prepareMessageBatch(store, idempotency, items); await store.atomic(batch.queries);
 */
export interface PreparedBatch {
  queries: CompiledQuery[];
  results: InsertResult[];
}

const MESSAGE_COLUMNS = [
  "id",
  "app_id",
  "event_type",
  "event_id",
  "payload",
  "channels",
  "tags",
  "deliver_at",
  "created_at",
  "expires_at",
  "only_endpoint_id",
] as const satisfies readonly (keyof MessageRow)[];

const IDEMPOTENCY_COLUMNS = ["key", "status_code", "body", "created_at", "expires_at"] as const satisfies readonly (keyof IdempotencyRow)[];

/**
 * Reads what a batch of messages depends on and builds its statements; writes nothing. The
 * statements are a handful of multi-row INSERTs (messages, their idempotency records, their
 * inbound log rows), whatever the batch size. No delivery rows: the worker writes those when it
 * expands the committed message (`store/queue/expand.ts`, ADR 0022), so the request's cost does
 * not grow with the application's endpoint count.
 *
 * What they depend on is read here, outside the transaction that runs them: only when the batch
 * carries eventIds, which of them are taken. On SQLite the group-commit writer is the only writer of messages and runs one batch
 * at a time, so nothing can change in between; on PostgreSQL, where batches commit concurrently,
 * the unique index on (app_id, event_id) has the last word, and a batch that loses a race fails
 * as a whole and is retried item by item.
 *
 * @example const { queries, results } = await prepareMessageBatch(store, idempotency, items);
 */
export async function prepareMessageBatch(
  store: Pick<Store, "db" | "dialect">,
  idempotency: Pick<IdempotencyRepository, "sealed">,
  items: NewMessage[],
): Promise<PreparedBatch> {
  const { db, dialect } = store;
  const results: InsertResult[] = new Array(items.length);
  const appIds = [...new Set(items.map((i) => i.message.app_id))];

  // eventId de-duplication, against stored messages and within the batch itself.
  const withEventId = items.filter((i) => i.message.event_id !== null);
  const taken = new Set<string>();
  if (withEventId.length > 0) {
    const existing = await db
      .selectFrom("messages")
      .select(["app_id", "event_id"])
      .where("app_id", "in", appIds)
      .where("event_id", "in", [...new Set(withEventId.map((i) => i.message.event_id!))])
      .execute();
    for (const row of existing) taken.add(`${row.app_id}\n${row.event_id}`);
  }
  const messages: MessageRow[] = [];
  const idempotencyRows: IdempotencyRow[] = [];
  const inbound: InboundRequestRow[] = [];
  items.forEach((item, index) => {
    const m = item.message;
    if (m.event_id !== null) {
      const key = `${m.app_id}\n${m.event_id}`;
      if (taken.has(key)) {
        results[index] = { ok: false, reason: "duplicate_event_id" };
        return;
      }
      taken.add(key);
    }
    // Its deliveries are written by the worker's expansion (store/queue/expand.ts, ADR 0022).
    messages.push(item.onlyEndpointId === undefined ? m : { ...m, only_endpoint_id: item.onlyEndpointId });
    if (item.idempotency) idempotencyRows.push(item.idempotency);
    if (item.inboundRequest) inbound.push(item.inboundRequest);
    results[index] = { ok: true };
  });

  const queries = [
    ...insertQueries(dialect, "messages", MESSAGE_COLUMNS, messages),
    // A unique violation here (a redelivery accepted concurrently) fails the batch; the group
    // commit then retries item by item and only the late copy fails.
    ...insertQueries(dialect, "inbound_requests", INBOUND_REQUEST_COLUMNS, inbound),
    ...idempotencyQueries(store, idempotency, idempotencyRows),
  ];
  return { queries, results };
}

/**
 * The idempotency records go in with the messages. An expired record under the same key is
 * deleted first; a live one makes the plain INSERT fail, and with it the batch: two requests
 * with one key that both passed the read before the handler (concurrent, as an SDK retrying
 * a slow request sends them) must not both create a message. The retry item by item then
 * answers the later one with the first one's response.
 */
function idempotencyQueries(
  store: Pick<Store, "db" | "dialect">,
  idempotency: Pick<IdempotencyRepository, "sealed">,
  rows: IdempotencyRow[],
): CompiledQuery[] {
  if (rows.length === 0) return [];
  const expired = store.db
    .deleteFrom("idempotency_keys")
    .where(
      "key",
      "in",
      rows.map((r) => r.key),
    )
    .where("expires_at", "<=", Math.min(...rows.map((r) => r.created_at)))
    .compile();
  const sealed = rows.map((r) => idempotency.sealed(r));
  return [expired, ...insertQueries(store.dialect, "idempotency_keys", IDEMPOTENCY_COLUMNS, sealed)];
}
