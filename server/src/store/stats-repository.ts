import { type Kysely, sql } from "kysely";

import { type Database, DeliveryStatus } from "./schema.js";

export interface Range {
  from: number;
  to: number;
  appId?: string | undefined;
  endpointId?: string | undefined;
}

export interface AttemptSample {
  created_at: number;
  status: number;
  response_duration_ms: number;
}

/** Most attempts read for latency percentiles; beyond that the newest ones stand for the rest. */
export const LATENCY_SAMPLE = 50_000;

/** Aggregates behind the overview, the endpoint charts and the retry-queue counts. */
export class StatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Messages per time bucket (bucket = floor(created_at / bucketMs), integer division on both engines). */
  async messageBuckets(range: Range, bucketMs: number): Promise<Map<number, number>> {
    let q = this.db
      .selectFrom("messages")
      .select([sql<number>`created_at / ${sql.lit(bucketMs)}`.as("bucket"), (eb) => eb.fn.countAll<number>().as("n")])
      .where("created_at", ">=", range.from)
      .where("created_at", "<", range.to);
    if (range.appId) q = q.where("app_id", "=", range.appId);
    const rows = await q.groupBy(sql`created_at / ${sql.lit(bucketMs)}`).execute();
    return new Map(rows.map((r) => [Math.floor(Number(r.bucket)), Number(r.n)]));
  }

  /** Attempt counts by status and time bucket. */
  async attemptBuckets(range: Range, bucketMs: number): Promise<{ bucket: number; status: number; n: number }[]> {
    let q = this.db
      .selectFrom("attempts")
      .select([sql<number>`created_at / ${sql.lit(bucketMs)}`.as("bucket"), "status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("created_at", ">=", range.from)
      .where("created_at", "<", range.to);
    if (range.appId) q = q.where("app_id", "=", range.appId);
    if (range.endpointId) q = q.where("endpoint_id", "=", range.endpointId);
    const rows = await q.groupBy([sql`created_at / ${sql.lit(bucketMs)}`, "status"]).execute();
    return rows.map((r) => ({ bucket: Math.floor(Number(r.bucket)), status: Number(r.status), n: Number(r.n) }));
  }

  /** The newest attempts in range, for latency percentiles. */
  async attemptSample(range: Range): Promise<AttemptSample[]> {
    let q = this.db
      .selectFrom("attempts")
      .select(["created_at", "status", "response_duration_ms"])
      .where("created_at", ">=", range.from)
      .where("created_at", "<", range.to);
    if (range.appId) q = q.where("app_id", "=", range.appId);
    if (range.endpointId) q = q.where("endpoint_id", "=", range.endpointId);
    return q.orderBy("created_at", "desc").limit(LATENCY_SAMPLE).execute();
  }

  async queueCounts(appId?: string): Promise<{ pending: number; sending: number; failed: number }> {
    let q = this.db
      .selectFrom("deliveries")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("status", "in", [DeliveryStatus.pending, DeliveryStatus.sending, DeliveryStatus.fail]);
    if (appId) q = q.where("app_id", "=", appId);
    const rows = await q.groupBy("status").execute();
    const by = new Map(rows.map((r) => [Number(r.status), Number(r.n)]));
    return {
      pending: by.get(DeliveryStatus.pending) ?? 0,
      sending: by.get(DeliveryStatus.sending) ?? 0,
      failed: by.get(DeliveryStatus.fail) ?? 0,
    };
  }

  /** Endpoints in a current run of failures, longest-failing first. */
  async failingEndpoints(appId: string | undefined, limit = 20) {
    let q = this.db
      .selectFrom("endpoints")
      .select(["id", "app_id", "url", "first_failure_at", "disabled"])
      .where("first_failure_at", "is not", null);
    if (appId) q = q.where("app_id", "=", appId);
    const endpoints = await q.orderBy("first_failure_at", "asc").limit(limit).execute();
    return Promise.all(
      endpoints.map(async (ep) => {
        const r = await this.db
          .selectFrom("attempts")
          .select([(eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.max("id").as("last")])
          .where("endpoint_id", "=", ep.id)
          .where("status", "=", DeliveryStatus.fail)
          .where("created_at", ">=", ep.first_failure_at!)
          .executeTakeFirst();
        const last = r?.last
          ? await this.db.selectFrom("attempts").select("response_status_code").where("id", "=", String(r.last)).executeTakeFirst()
          : undefined;
        return {
          appId: ep.app_id,
          endpointId: ep.id,
          url: ep.url,
          disabled: ep.disabled === 1,
          failures: Number(r?.n ?? 0),
          lastStatusCode: last?.response_status_code ?? null,
          since: ep.first_failure_at!,
        };
      }),
    );
  }
}
