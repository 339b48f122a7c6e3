import { type Kysely, type RawBuilder, sql, type SqlBool } from "kysely";

import { idAt } from "../lib/ids.js";
import { newDeliveryRow } from "./new-delivery-row.js";
import { type Page,type PageRequest, paginate } from "./paginate.js";
import {
  type AttemptRow,
  type Database,
  DeliveryStatus,
  type EndpointRow,
  type MessageRow,
} from "./schema.js";

/**
 * Filters of the attempt listings. Times are bounds on creation in ms; like Svix they are
 * applied to the time-sortable ids, so a listing walks the `(endpoint_id, id)` or
 * `(msg_id, id)` index from the bound instead of filtering every row on `created_at`.
 */
export interface AttemptFilter {
  appId: string;
  msgId?: string | undefined;
  endpointId?: string | undefined;
  status?: number | undefined;
  /** 0 = 0–99 (no HTTP response), 100 … 500 = that class. */
  statusCodeClass?: number | undefined;
  /** Filters on the attempted message. */
  message?: MessageFilter | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

export interface MessageFilter {
  channel?: string | undefined;
  tag?: string | undefined;
  eventTypes?: string[] | undefined;
}

export interface AttemptedMessageFilter extends MessageFilter {
  endpointId: string;
  status?: number | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

/** The delivery state of a pair, as shown next to an endpoint or a message. */
export interface DeliveryState {
  status: number;
  due_at: number | null;
}

export type DestinationRow = EndpointRow & DeliveryState & { endpoint_id: string };
export type AttemptedMessageRow = MessageRow & DeliveryState & { msg_id: string };

export type StatusCounts = Record<number, number>;

/**
 * Reads of `attempts` (written by the worker) and the API-side writes to the delivery queue:
 * resend and expunge (recover and replays are background tasks, `store/tasks/`). The worker owns the claim and the outcome of an attempt; the
 * writes here only ever move a delivery back to pending, and clear a lease while doing so, so
 * a worker whose completion is fenced on its lease cannot overwrite them.
 *
 * @example const page = await new AttemptsRepository(db).list({ appId, msgId }, { limit: 50 });
 */
export class AttemptsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: AttemptFilter, page: PageRequest): Promise<Page<AttemptRow>> {
    let q = this.db.selectFrom("attempts").selectAll().where("app_id", "=", filter.appId);
    if (filter.msgId !== undefined) q = q.where("msg_id", "=", filter.msgId);
    if (filter.endpointId !== undefined) q = q.where("endpoint_id", "=", filter.endpointId);
    if (filter.status !== undefined) q = q.where("status", "=", filter.status);
    if (filter.statusCodeClass !== undefined) {
      const low = filter.statusCodeClass;
      q = q
        .where("response_status_code", ">=", low)
        .where("response_status_code", "<=", low === 0 ? 99 : low + 99);
    }
    if (filter.before !== undefined) q = q.where("id", "<", idAt("atmpt", new Date(filter.before)));
    if (filter.after !== undefined) q = q.where("id", ">=", idAt("atmpt", new Date(filter.after + 1)));
    const m = filter.message;
    if (m && (m.channel !== undefined || m.tag !== undefined || (m.eventTypes?.length ?? 0) > 0)) {
      // A semi-join keeps `id` unambiguous for the pagination helper; both engines plan
      // `IN (subquery)` as a lookup on the messages primary key.
      q = q.where("msg_id", "in", (eb) => {
        let sub = eb.selectFrom("messages").select("messages.id").where("messages.app_id", "=", filter.appId);
        if (m.eventTypes && m.eventTypes.length > 0) {
          sub = sub.where("messages.event_type", "in", m.eventTypes);
        }
        if (m.channel !== undefined) sub = sub.where(hasElement("messages.channels", m.channel));
        if (m.tag !== undefined) sub = sub.where(hasElement("messages.tags", m.tag));
        return sub;
      });
    }
    return paginate(q, "id", page, "descending");
  }

  async find(appId: string, msgId: string, attemptId: string): Promise<AttemptRow | undefined> {
    return this.db
      .selectFrom("attempts")
      .selectAll()
      .where("app_id", "=", appId)
      .where("msg_id", "=", msgId)
      .where("id", "=", attemptId)
      .executeTakeFirst();
  }

  /** Svix writes the same marker, so a client can tell "expunged" from "the endpoint sent nothing". */
  async expungeResponse(attemptId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable("attempts").set({ response: "EXPUNGED" }).where("id", "=", attemptId).execute();
  }

  /** The messages of a page of attempts, for `with_msg`. */
  async messages(appId: string, ids: string[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom("messages")
      .selectAll()
      .where("app_id", "=", appId)
      .where("id", "in", [...new Set(ids)])
      .execute();
  }

  /** Endpoints that have a delivery of this message, newest endpoint first. */
  async destinations(appId: string, msgId: string, page: PageRequest): Promise<Page<DestinationRow>> {
    const q = this.db
      .selectFrom("deliveries as d")
      .innerJoin("endpoints as e", "e.id", "d.endpoint_id")
      .selectAll("e")
      .select(["d.endpoint_id", "d.status", "d.due_at"])
      .where("d.app_id", "=", appId)
      .where("d.msg_id", "=", msgId);
    // `endpoint_id` exists only in deliveries, so the helper's unqualified keyset condition is unambiguous.
    return paginate(q, "endpoint_id", page, "descending");
  }

  /** Messages that have a delivery to this endpoint, newest first, on the `(endpoint_id, msg_id)` index. */
  async attemptedMessages(
    appId: string,
    filter: AttemptedMessageFilter,
    page: PageRequest,
  ): Promise<Page<AttemptedMessageRow>> {
    let q = this.db
      .selectFrom("deliveries as d")
      .innerJoin("messages as m", "m.id", "d.msg_id")
      .selectAll("m")
      .select(["d.msg_id", "d.status", "d.due_at"])
      .where("d.app_id", "=", appId)
      .where("d.endpoint_id", "=", filter.endpointId);
    if (filter.status !== undefined) q = q.where("d.status", "=", filter.status);
    if (filter.before !== undefined) q = q.where("d.msg_id", "<", idAt("msg", new Date(filter.before)));
    if (filter.after !== undefined) q = q.where("d.msg_id", ">=", idAt("msg", new Date(filter.after + 1)));
    if (filter.eventTypes && filter.eventTypes.length > 0) {
      q = q.where("m.event_type", "in", filter.eventTypes);
    }
    if (filter.channel !== undefined) q = q.where(hasElement("m.channels", filter.channel));
    if (filter.tag !== undefined) q = q.where(hasElement("m.tags", filter.tag));
    // `msg_id` exists only in deliveries, so the helper's unqualified keyset condition is unambiguous.
    return paginate(q, "msg_id", page, "descending");
  }

  /**
   * Queues one manual attempt of a message to an endpoint, creating the delivery if the
   * endpoint never had one. A delivery that is being sent right now (status 3, lease not yet
   * expired) keeps its due time, which is the lease expiry: the re-send comes after the
   * attempt in flight instead of racing it, and clearing `lease_owner` makes that worker's
   * (lease-fenced) completion a no-op instead of overwriting the new pending state.
   */
  async requeue(
    message: Pick<MessageRow, "id" | "app_id" | "created_at">,
    endpointId: string,
    now: number,
    db: Kysely<Database> = this.db,
  ): Promise<void> {
    // The message's time as created_at, like fan-out deliveries, so time-ranged views place it with its message.
    const row = newDeliveryRow({
      msgId: message.id,
      appId: message.app_id,
      endpointId,
      dueAt: now,
      createdAt: message.created_at,
      now,
      manual: true,
    });
    await db
      .insertInto("deliveries")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["msg_id", "endpoint_id"]).doUpdateSet((eb) => ({
          status: DeliveryStatus.pending,
          next_trigger: 1,
          lease_owner: null,
          updated_at: now,
          due_at: eb
            .case()
            .when(
              eb.and([
                eb("deliveries.status", "=", DeliveryStatus.sending),
                eb("deliveries.due_at", ">", now),
              ]),
            )
            .then(eb.ref("deliveries.due_at"))
            .else(now)
            .end(),
        })),
      )
      .execute();
  }

  /** Deliveries to an endpoint by status, for messages created in `[since, until)`. */
  async countByStatus(
    appId: string,
    endpointId: string,
    since: number,
    until: number | undefined,
  ): Promise<StatusCounts> {
    let q = this.db
      .selectFrom("deliveries")
      .select((eb) => ["status", eb.fn.countAll<number | string | bigint>().as("count")])
      .where("endpoint_id", "=", endpointId)
      .where("app_id", "=", appId)
      .where("msg_id", ">=", idAt("msg", new Date(since)));
    if (until !== undefined) q = q.where("msg_id", "<", idAt("msg", new Date(until)));
    const rows = await q.groupBy("status").execute();
    const counts: StatusCounts = {};
    // PostgreSQL returns count(*) as bigint; the values are far below 2^53.
    for (const r of rows) counts[r.status] = Number(r.count);
    return counts;
  }
}

/**
 * "The JSON array in `column` contains `name`". Arrays are stored as compact JSON of names
 * limited to [a-zA-Z0-9-_.], so the quoted name can only match a whole element once `_`
 * (a LIKE wildcard) is escaped. Written as LIKE rather than json_each / jsonb `@>` because it
 * reads the same on SQLite and PostgreSQL.
 */
function hasElement(column: string, name: string): RawBuilder<SqlBool> {
  const pattern = `%"${name.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
