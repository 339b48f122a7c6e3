import type { Kysely } from "kysely";

import { compileStoredFilter, payloadTextPasses } from "../../lib/content-filter.js";
import { idAt } from "../../lib/ids.js";
import { parseJson } from "../../lib/json.js";
import { hasJsonElement as hasElement } from "../json-array.js";
import { newDeliveryRow } from "../new-delivery-row.js";
import { type Database, type DeliveryRow, DeliveryStatus, type TaskRow } from "../schema.js";
import { applicationStats, eventTypeAggregate } from "./stats-kinds.js";
import type { Candidate, CandidateQuery, TaskKind, TaskParams } from "./task-kind.js";

/** Svix's names of the task types Hookrelay runs. */
export const TASK_TYPES = [
  "endpoint.recover",
  "endpoint.bulk-replay",
  "endpoint.replay",
  "application.purge_content",
  "application.stats",
  "event-type.aggregate",
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export type { Candidate, CandidateQuery, TaskKind, TaskParams } from "./task-kind.js";

const { pending, fail, sending } = DeliveryStatus;

/** Failed deliveries to the endpoint in the range whose payload is still there, by message id. */
const recover: TaskKind = {
  queuesDeliveries: true,
  candidates: (trx, task, params) => deliveryCandidates(trx, task, params, (q) => q.where("d.status", "=", fail)),
  apply: (trx, _task, rows, now) => requeueDeliveries(trx, rows, now, true),
};

/** Deliveries to the endpoint in the range, any outcome unless filtered: sent again. */
const bulkReplay: TaskKind = {
  queuesDeliveries: true,
  candidates: (trx, task, params) =>
    deliveryCandidates(trx, task, params, (q) => {
      let r = q;
      if (params.status !== undefined) r = r.where("d.status", "=", params.status);
      if (params.statusCodeClass !== undefined) {
        const low = params.statusCodeClass;
        // An attempt that got no response records 0, and a row never attempted has null.
        r = low === 0
          ? r.where((eb) => eb.or([eb("d.last_status_code", "is", null), eb("d.last_status_code", "<=", 99)]))
          : r.where("d.last_status_code", ">=", low).where("d.last_status_code", "<=", low + 99);
      }
      if (params.eventTypes && params.eventTypes.length > 0) r = r.where("m.event_type", "in", params.eventTypes);
      if (params.channel !== undefined) r = r.where(hasElement("m.channels", params.channel));
      if (params.tag !== undefined) r = r.where(hasElement("m.tags", params.tag));
      return r;
    }),
  apply: (trx, _task, rows, now) => requeueDeliveries(trx, rows, now, false),
};

/**
 * Messages of the application in the range that never had a delivery to the endpoint and that
 * its filters accept (event types, channels, content filter): a delivery is created for each.
 */
const replayMissing: TaskKind = {
  queuesDeliveries: true,
  candidates: (trx, task, params, endpoint) => {
    const eventTypes = parseJson<string[] | null>(endpoint?.event_types ?? null, null);
    const channels = parseJson<string[] | null>(endpoint?.channels ?? null, null);
    const filter = endpoint?.content_filter ? compileStoredFilter(endpoint.content_filter) : null;
    const passes = (payload: string | null) => filter === null || payloadTextPasses(filter, payload);
    const base = () => {
      let q = trx
        .selectFrom("messages as m")
        .where("m.app_id", "=", task.app_id)
        .where("m.payload", "is not", null)
        // Not yet expanded (ADR 0022): its expansion matches this endpoint itself, as a replay would.
        .where("m.expanded_at", "is not", null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom("deliveries as d").select("d.id").whereRef("d.msg_id", "=", "m.id").where("d.endpoint_id", "=", task.endpoint_id),
            ),
          ),
        );
      const { from, to } = range(params);
      if (from !== undefined) q = q.where("m.id", ">=", from);
      if (to !== undefined) q = q.where("m.id", "<", to);
      if (eventTypes && eventTypes.length > 0) q = q.where("m.event_type", "in", eventTypes);
      if (channels && channels.length > 0) q = q.where((eb) => eb.or(channels.map((c) => hasElement("m.channels", c))));
      return q;
    };
    return {
      page: async (after, limit) => {
        let q = base().select(["m.id", "m.created_at", "m.payload"]);
        if (after !== null) q = q.where("m.id", ">", after);
        const rows = await q.orderBy("m.id").limit(limit).execute();
        // The content filter needs the payload, so it is applied here, not in SQL. A message it
        // refuses still advances the cursor (a short page would end the task) but is skipped.
        return rows.map((r) => ({ cursor: r.id, id: passes(r.payload) ? `${r.id} ${r.created_at}` : SKIP }));
      },
      count: async () => toCount(await base().select((eb) => eb.fn.countAll<string | number | bigint>().as("n")).executeTakeFirst()),
    };
  },
  apply: async (trx, task, rows, now) => {
    const wanted = rows.filter((r) => r.id !== SKIP);
    if (wanted.length === 0) return 0;
    const values: DeliveryRow[] = wanted.map((r) => {
      const [msgId, createdAt] = r.id.split(" ") as [string, string];
      // A replay is an operator's request: a single manual attempt, as resend and recover.
      return newDeliveryRow({
        msgId,
        appId: task.app_id,
        endpointId: task.endpoint_id!,
        dueAt: now,
        createdAt: Number(createdAt),
        now,
        manual: true,
      });
    });
    const result = await trx
      .insertInto("deliveries")
      .values(values)
      .onConflict((oc) => oc.columns(["msg_id", "endpoint_id"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  },
};

/** The candidate id of a message replay-missing passes over: its endpoint's content filter refuses it. */
const SKIP = "";

/** Every payload of the application's messages created before the task: set to null. */
const purgeContent: TaskKind = {
  queuesDeliveries: false,
  candidates: (trx, task) => {
    // Bounded by the task's creation: messages sent after the request keep their payloads.
    const base = () =>
      trx
        .selectFrom("messages as m")
        .where("m.app_id", "=", task.app_id)
        .where("m.payload", "is not", null)
        .where("m.id", "<", idAt("msg", new Date(task.created_at + 1)));
    return {
      page: async (after, limit) => {
        let q = base().select("m.id");
        if (after !== null) q = q.where("m.id", ">", after);
        const rows = await q.orderBy("m.id").limit(limit).execute();
        return rows.map((r) => ({ cursor: r.id, id: r.id }));
      },
      count: async () => toCount(await base().select((eb) => eb.fn.countAll<string | number | bigint>().as("n")).executeTakeFirst()),
    };
  },
  apply: async (trx, _task, rows) => {
    const result = await trx
      .updateTable("messages")
      .set({ payload: null })
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
};

/** The kinds by Svix task type. */
export const TASK_KINDS: Record<TaskType, TaskKind> = {
  "endpoint.recover": recover,
  "endpoint.bulk-replay": bulkReplay,
  "endpoint.replay": replayMissing,
  "application.purge_content": purgeContent,
  "application.stats": applicationStats,
  "event-type.aggregate": eventTypeAggregate,
};

type DeliveryQuery = ReturnType<typeof deliveryBase>;

function deliveryBase(trx: Kysely<Database>, task: TaskRow, params: TaskParams) {
  const q = trx
    .selectFrom("deliveries as d")
    .innerJoin("messages as m", "m.id", "d.msg_id")
    .where("d.endpoint_id", "=", task.endpoint_id)
    .where("d.app_id", "=", task.app_id)
    // Nothing to send once the payload is gone (expunged or past retention).
    .where("m.payload", "is not", null);
  const { from, to } = range(params);
  return q
    .$if(from !== undefined, (b) => b.where("d.msg_id", ">=", from!))
    .$if(to !== undefined, (b) => b.where("d.msg_id", "<", to!));
}

function deliveryCandidates(
  trx: Kysely<Database>,
  task: TaskRow,
  params: TaskParams,
  filter: (q: DeliveryQuery) => DeliveryQuery,
): CandidateQuery {
  const base = () => filter(deliveryBase(trx, task, params));
  return {
    page: async (after, limit) => {
      let q = base().select(["d.id", "d.msg_id"]);
      // (msg_id, endpoint_id) is unique, so within one endpoint the message id is a total order.
      if (after !== null) q = q.where("d.msg_id", ">", after);
      const rows = await q.orderBy("d.msg_id").limit(limit).execute();
      return rows.map((r) => ({ cursor: r.msg_id, id: r.id }));
    },
    count: async () => toCount(await base().select((eb) => eb.fn.countAll<string | number | bigint>().as("n")).executeTakeFirst()),
  };
}

/**
 * Puts deliveries back in the queue as manual attempts. One being sent right now keeps its due
 * time (the lease expiry), so the replay follows the attempt in flight instead of racing it;
 * clearing the lease fences that worker's completion, as `AttemptsRepository.requeue` does.
 */
async function requeueDeliveries(trx: Kysely<Database>, rows: Candidate[], now: number, onlyFailed: boolean): Promise<number> {
  let q = trx
    .updateTable("deliveries")
    .set((eb) => ({
      status: pending,
      next_trigger: 1,
      lease_owner: null,
      updated_at: now,
      due_at: eb
        .case()
        .when(eb.and([eb("status", "=", sending), eb("due_at", ">", now)]))
        .then(eb.ref("due_at"))
        .else(now)
        .end(),
    }))
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    );
  if (onlyFailed) q = q.where("status", "=", fail);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Message ids in `[since, until)`: ids are time-sortable, so the bounds are ids too. */
function range(params: TaskParams): { from: string | undefined; to: string | undefined } {
  return {
    from: params.since !== undefined ? idAt("msg", new Date(params.since)) : undefined,
    to: params.until !== undefined ? idAt("msg", new Date(params.until)) : undefined,
  };
}

function toCount(row: { n: string | number | bigint } | undefined): number {
  // PostgreSQL returns count(*) as bigint text; the values are far below 2^53.
  return Number(row?.n ?? 0);
}
