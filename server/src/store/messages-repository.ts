import type { CompiledQuery, Kysely } from "kysely";

import { newId } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import type { Dialect, Store } from "./database.js";
import { isUniqueViolation } from "./errors.js";
import type { FanoutCache } from "./fanout-cache.js";
import { type IdempotencyRepository } from "./idempotency-repository.js";
import { INBOUND_REQUEST_COLUMNS } from "./inbound-requests-repository.js";
import { insertQueries } from "./insert-queries.js";
import { type Page,type PageRequest, paginate } from "./paginate.js";
import {
  type Database,
  type DeliveryRow,
  DeliveryStatus,
  type IdempotencyRow,
  type InboundRequestRow,
  type MessageRow,
} from "./schema.js";

export interface NewMessage {
  message: MessageRow;
  /** Limit delivery to this endpoint (send-example); otherwise every matching endpoint. */
  onlyEndpointId?: string | undefined;
  idempotency?: IdempotencyRow | undefined;
  /** The inbound request this message came from, logged in the same transaction. */
  inboundRequest?: InboundRequestRow | undefined;
}

export type InsertResult =
  | { ok: true; deliveries: number }
  | { ok: false; reason: "duplicate_event_id" }
  /** Another request with the same idempotency key was accepted first: answer with its response. */
  | { ok: false; reason: "idempotent_replay"; statusCode: number; body: string }
  /** An inbound event another request of the same source was accepted for (see InboundRequestsRepository). */
  | { ok: false; reason: "duplicate_inbound"; msgId: string | null };

export interface MessageFilter {
  appId: string;
  channel?: string | undefined;
  eventTypes?: string[] | undefined;
  before?: number | undefined;
  after?: number | undefined;
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
] as const satisfies readonly (keyof MessageRow)[];

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

const IDEMPOTENCY_COLUMNS = ["key", "status_code", "body", "created_at", "expires_at"] as const satisfies readonly (keyof IdempotencyRow)[];

/** A batch ready to commit: its statements, and each item's result once they have run. */
export interface PreparedBatch {
  queries: CompiledQuery[];
  results: InsertResult[];
}

/** Does an endpoint with these filters receive this message? Svix semantics: no filter = everything. */
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
 * Messages and the fan-out into deliveries. `insertBatch` is the ingest hot path: it writes many
 * messages, their delivery rows and their idempotency records with a handful of multi-row
 * statements, committed together in one round trip to the database ({@link Store.atomic}).
 *
 * What the statements depend on is read first, outside that transaction: the enabled endpoints
 * (from {@link FanoutCache}) and, only when the batch carries eventIds, which of them are
 * taken. On SQLite the group-commit writer is the only writer of messages and runs one batch at
 * a time, so nothing can change in between; on PostgreSQL, where batches commit concurrently,
 * the unique index on (app_id, event_id) has the last word, and a batch that loses a race fails
 * as a whole and is retried item by item.
 */
export class MessagesRepository {
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;
  private readonly routes: FanoutCache;

  constructor(
    private readonly store: Store,
    /** The HTTP layer's too, so their lookups share batches. */
    private readonly idempotency: IdempotencyRepository,
  ) {
    this.db = store.db;
    this.dialect = store.dialect;
    this.routes = store.fanoutCache;
  }

  async insertBatch(items: NewMessage[]): Promise<InsertResult[]> {
    return this.commitBatch(items, await this.prepareBatch(items));
  }

  /**
   * Commits a prepared batch, with `before` (statements of the caller's that must commit with
   * it) in front, in one transaction. A single item that lost a race — to a request with the
   * same idempotency key, or on PostgreSQL to a message with the same eventId committed after
   * the read — is answered as what it is (the group commit retries a failed batch item by item).
   */
  async commitBatch(
    items: NewMessage[],
    batch: PreparedBatch,
    before: CompiledQuery[] = [],
    execute: (queries: CompiledQuery[]) => Promise<unknown> = (queries) => this.store.atomic(queries),
  ): Promise<InsertResult[]> {
    try {
      await execute([...before, ...batch.queries]);
    } catch (error) {
      const item = items[0];
      if (items.length === 1 && item && isUniqueViolation(error)) {
        const stored = item.idempotency && (await this.idempotency.find(item.idempotency.key, item.message.created_at));
        if (stored) return [{ ok: false, reason: "idempotent_replay", statusCode: stored.status_code, body: stored.body }];
        if (item.message.event_id !== null) {
          const again = await this.prepareBatch(items);
          if (!again.results[0]?.ok) return again.results;
        }
      }
      throw error;
    }
    return batch.results;
  }

  /** Reads what the batch depends on and builds its statements; writes nothing. */
  async prepareBatch(items: NewMessage[]): Promise<PreparedBatch> {
    const results: InsertResult[] = new Array(items.length);
    const appIds = [...new Set(items.map((i) => i.message.app_id))];

    // eventId de-duplication, against stored messages and within the batch itself.
    const withEventId = items.filter((i) => i.message.event_id !== null);
    const taken = new Set<string>();
    if (withEventId.length > 0) {
      const existing = await this.db
        .selectFrom("messages")
        .select(["app_id", "event_id"])
        .where("app_id", "in", appIds)
        .where("event_id", "in", [...new Set(withEventId.map((i) => i.message.event_id!))])
        .execute();
      for (const row of existing) taken.add(`${row.app_id}\n${row.event_id}`);
    }
    const byApp = await this.routes.forApps(appIds);

    const messages: MessageRow[] = [];
    const deliveries: DeliveryRow[] = [];
    const idempotency: IdempotencyRow[] = [];
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
      messages.push(m);
      if (item.idempotency) idempotency.push(item.idempotency);
      if (item.inboundRequest) inbound.push(item.inboundRequest);
      const channels = parseJson<string[] | null>(m.channels, null);
      let count = 0;
      for (const ep of byApp.get(m.app_id) ?? []) {
        if (item.onlyEndpointId !== undefined && ep.id !== item.onlyEndpointId) continue;
        if (item.onlyEndpointId === undefined && !endpointMatches(ep, { eventType: m.event_type, channels })) continue;
        deliveries.push(newDelivery(m, ep.id));
        count++;
      }
      results[index] = { ok: true, deliveries: count };
    });

    const queries = [
      ...insertQueries(this.dialect, "messages", MESSAGE_COLUMNS, messages),
      ...insertQueries(this.dialect, "deliveries", DELIVERY_COLUMNS, deliveries),
      // A unique violation here (a redelivery accepted concurrently) fails the batch; the group
      // commit then retries item by item and only the late copy fails.
      ...insertQueries(this.dialect, "inbound_requests", INBOUND_REQUEST_COLUMNS, inbound),
      ...this.idempotencyQueries(idempotency),
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
  private idempotencyQueries(rows: IdempotencyRow[]): CompiledQuery[] {
    if (rows.length === 0) return [];
    const expired = this.db
      .deleteFrom("idempotency_keys")
      .where(
        "key",
        "in",
        rows.map((r) => r.key),
      )
      .where("expires_at", "<=", Math.min(...rows.map((r) => r.created_at)))
      .compile();
    const sealed = rows.map((r) => this.idempotency.sealed(r));
    return [expired, ...insertQueries(this.dialect, "idempotency_keys", IDEMPOTENCY_COLUMNS, sealed)];
  }

  async find(appId: string, idOrEventId: string): Promise<MessageRow | undefined> {
    const column = idOrEventId.startsWith("msg_") ? "id" : "event_id";
    return this.db
      .selectFrom("messages")
      .selectAll()
      .where("app_id", "=", appId)
      .where(column, "=", idOrEventId)
      .executeTakeFirst();
  }

  async list(filter: MessageFilter, page: PageRequest): Promise<Page<MessageRow>> {
    let q = this.db.selectFrom("messages").selectAll().where("app_id", "=", filter.appId);
    if (filter.eventTypes && filter.eventTypes.length > 0) q = q.where("event_type", "in", filter.eventTypes);
    if (filter.before !== undefined) q = q.where("created_at", "<", filter.before);
    if (filter.after !== undefined) q = q.where("created_at", ">", filter.after);
    if (filter.channel !== undefined) {
      // Channels are stored as a JSON array of names restricted to [a-zA-Z0-9-_.], so the
      // quoted name cannot match anything but a whole element.
      q = q.where("channels", "like", `%"${filter.channel}"%`);
    }
    return paginate(q, "id", page, "descending");
  }

  async expungePayload(appId: string, msgId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .updateTable("messages")
      .set({ payload: null })
      .where("app_id", "=", appId)
      .where("id", "=", msgId)
      .execute();
  }
}

function newDelivery(message: MessageRow, endpointId: string): DeliveryRow {
  return {
    id: newId("dlv"),
    msg_id: message.id,
    app_id: message.app_id,
    endpoint_id: endpointId,
    status: DeliveryStatus.pending,
    attempt_count: 0,
    due_at: message.deliver_at ?? message.created_at,
    lease_owner: null,
    last_attempt_at: null,
    last_status_code: null,
    next_trigger: 0,
    created_at: message.created_at,
    updated_at: message.created_at,
  };
}
