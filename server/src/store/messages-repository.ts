import type { Kysely, Transaction } from "kysely";

import type { Page } from "../api/common.js";
import { newId } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import { bulkInsert } from "./bulk-insert.js";
import type { Dialect } from "./database.js";
import { INBOUND_REQUEST_COLUMNS } from "./inbound-requests-repository.js";
import { type PageRequest, paginate } from "./paginate.js";
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

interface EndpointFilterRow {
  id: string;
  app_id: string;
  event_types: string | null;
  channels: string | null;
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
 * Messages and the fan-out into deliveries. `insertBatch` is the ingest hot path: it runs
 * inside a group-commit transaction and writes many messages, their delivery rows and their
 * idempotency records with a handful of multi-row statements.
 */
export class MessagesRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertBatch(trx: Transaction<Database>, items: NewMessage[]): Promise<InsertResult[]> {
    const results: InsertResult[] = new Array(items.length);
    const appIds = [...new Set(items.map((i) => i.message.app_id))];

    // eventId de-duplication, against stored messages and within the batch itself.
    const withEventId = items.filter((i) => i.message.event_id !== null);
    const taken = new Set<string>();
    if (withEventId.length > 0) {
      const existing = await trx
        .selectFrom("messages")
        .select(["app_id", "event_id"])
        .where("app_id", "in", appIds)
        .where("event_id", "in", [...new Set(withEventId.map((i) => i.message.event_id!))])
        .execute();
      for (const row of existing) taken.add(`${row.app_id}\n${row.event_id}`);
    }

    const endpoints = await trx
      .selectFrom("endpoints")
      .select(["id", "app_id", "event_types", "channels"])
      .where("app_id", "in", appIds)
      .where("disabled", "=", 0)
      .execute();
    const byApp = groupEndpoints(endpoints);

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

    await bulkInsert(trx, this.dialect, "messages", MESSAGE_COLUMNS, messages);
    await bulkInsert(trx, this.dialect, "deliveries", DELIVERY_COLUMNS, deliveries);
    // A unique violation here (a redelivery accepted concurrently) fails the batch; the group
    // commit then retries item by item and only the late copy fails.
    await bulkInsert(trx, this.dialect, "inbound_requests", INBOUND_REQUEST_COLUMNS, inbound);
    await bulkInsert(trx, this.dialect, "idempotency_keys", IDEMPOTENCY_COLUMNS, idempotency, "key");
    return results;
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

  async expungePayload(appId: string, msgId: string): Promise<void> {
    await this.db
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

interface ParsedEndpoint {
  id: string;
  eventTypes: string[] | null;
  channels: string[] | null;
}

function groupEndpoints(rows: EndpointFilterRow[]): Map<string, ParsedEndpoint[]> {
  const map = new Map<string, ParsedEndpoint[]>();
  for (const row of rows) {
    const list = map.get(row.app_id) ?? [];
    list.push({
      id: row.id,
      eventTypes: parseJson<string[] | null>(row.event_types, null),
      channels: parseJson<string[] | null>(row.channels, null),
    });
    map.set(row.app_id, list);
  }
  return map;
}
