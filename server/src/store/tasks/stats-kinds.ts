import type { Kysely } from "kysely";

import { idAt } from "../../lib/ids.js";
import { parseJson } from "../../lib/json.js";
import { type Database, DeliveryStatus, type TaskRow } from "../schema.js";
import type { Candidate, CandidateQuery, TaskKind, TaskParams } from "./task-kind.js";

/**
 * One application's usage in `[since, until)`, as `application.stats` reports it: Svix's
 * `messageDestinations` (deliveries of the period's messages: one per message and endpoint
 * it went to) and Hookrelay's plain counts beside it. Counted from the live tables, so what
 * retention deleted is not counted.
 */
export interface AppStatsEntry {
  appId: string;
  appUid: string | null;
  messageDestinations: number;
  messages: number;
  attempts: number;
  successfulAttempts: number;
  failedAttempts: number;
}

/** One application's subscriptions, as `event-type.aggregate` reports them (Svix's AggregatedEventTypes). */
export interface EventTypeAggregateEntry {
  appId: string;
  explicitlySubscribedEventTypes: string[];
  hasCatchAllEndpoint: boolean;
}

/** Where each computing task keeps its entries in `tasks.result` (and the task's `data`), by Svix's names. */
export const RESULT_KEY = { "application.stats": "appStats", "event-type.aggregate": "event_types" } as const;

/** Every application (or those of `params.appIds`) but internal ones (operational, ingest sources; ADR 20), by id. */
function appCandidates(trx: Kysely<Database>, params: TaskParams): CandidateQuery {
  const base = () => {
    let q = trx.selectFrom("applications").where("internal", "is", null);
    if (params.appIds !== undefined) q = q.where("id", "in", params.appIds.length > 0 ? params.appIds : [""]);
    return q;
  };
  return {
    page: async (after, limit) => {
      let q = base().select("id");
      if (after !== null) q = q.where("id", ">", after);
      const rows = await q.orderBy("id").limit(limit).execute();
      return rows.map((r) => ({ cursor: r.id, id: r.id }));
    },
    count: async () => Number((await base().select((eb) => eb.fn.countAll<string | number | bigint>().as("n")).executeTakeFirst())?.n ?? 0),
  };
}

/** Appends a batch's entries to the task's result, in the batch's transaction (so with its checkpoint). */
async function appendResult(trx: Kysely<Database>, task: TaskRow, key: string, entries: unknown[]): Promise<number> {
  const current = parseJson<Record<string, unknown[]>>(task.result ?? null, {});
  const next = { ...current, [key]: [...(current[key] ?? []), ...entries] };
  await trx.updateTable("tasks").set({ result: JSON.stringify(next) }).where("id", "=", task.id).execute();
  return entries.length;
}

const n = (v: string | number | bigint | null | undefined): number => Number(v ?? 0);

/** `application.stats`: messages, deliveries and attempts per application in the period. */
export const applicationStats: TaskKind = {
  queuesDeliveries: false,
  candidates: (trx, _task, params) => appCandidates(trx, params),
  apply: async (trx, task, rows: Candidate[]) => {
    const params = parseJson<TaskParams>(task.params, {});
    const since = params.since ?? 0;
    const until = params.until ?? task.created_at;
    const ids = rows.map((r) => r.id);
    const [from, to] = [idAt("msg", new Date(since)), idAt("msg", new Date(until))];
    const [apps, messages, attempts] = await Promise.all([
      trx.selectFrom("applications").select(["id", "uid"]).where("id", "in", ids).execute(),
      // Each message once, and each of its deliveries (none: the left join's null is not counted).
      trx
        .selectFrom("messages as m")
        .leftJoin("deliveries as d", "d.msg_id", "m.id")
        .select((eb) => ["m.app_id", eb.fn.count<string>("m.id").distinct().as("messages"), eb.fn.count<string>("d.id").as("destinations")])
        .where("m.app_id", "in", ids)
        .where("m.id", ">=", from)
        .where("m.id", "<", to)
        .groupBy("m.app_id")
        .execute(),
      trx
        .selectFrom("attempts")
        .select((eb) => ["app_id", "status", eb.fn.countAll<string>().as("n")])
        .where("app_id", "in", ids)
        .where("created_at", ">=", since)
        .where("created_at", "<", until)
        .groupBy(["app_id", "status"])
        .execute(),
    ]);
    const uid = new Map(apps.map((a) => [a.id, a.uid]));
    const entries: AppStatsEntry[] = ids.map((id) => {
      const mine = attempts.filter((a) => a.app_id === id);
      const successful = mine.filter((a) => Number(a.status) === DeliveryStatus.success).reduce((s, a) => s + n(a.n), 0);
      const all = mine.reduce((s, a) => s + n(a.n), 0);
      return {
        appId: id,
        appUid: uid.get(id) ?? null,
        messageDestinations: n(messages.find((m) => m.app_id === id)?.destinations),
        messages: n(messages.find((m) => m.app_id === id)?.messages),
        attempts: all,
        successfulAttempts: successful,
        failedAttempts: all - successful,
      };
    });
    return appendResult(trx, task, RESULT_KEY["application.stats"], entries);
  },
};

/** `event-type.aggregate`: per application, the event types its endpoints subscribe to by name, and whether one takes all. */
export const eventTypeAggregate: TaskKind = {
  queuesDeliveries: false,
  candidates: (trx, _task, params) => appCandidates(trx, params),
  apply: async (trx, task, rows: Candidate[]) => {
    const ids = rows.map((r) => r.id);
    const endpoints = await trx.selectFrom("endpoints").select(["app_id", "event_types"]).where("app_id", "in", ids).execute();
    const entries: EventTypeAggregateEntry[] = ids.map((id) => {
      const filters = endpoints.filter((e) => e.app_id === id).map((e) => parseJson<string[] | null>(e.event_types, null));
      const named = new Set(filters.flatMap((f) => f ?? []));
      return {
        appId: id,
        explicitlySubscribedEventTypes: [...named].sort(),
        // No filter (null or empty) means every event type, as fan-out reads it.
        hasCatchAllEndpoint: filters.some((f) => f === null || f.length === 0),
      };
    });
    return appendResult(trx, task, RESULT_KEY["event-type.aggregate"], entries);
  },
};
