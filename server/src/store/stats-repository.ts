import { type Kysely, sql } from "kysely";

import {
  emptyHistogram,
  histogramQuantile,
  type LatencyHistogram,
  mergeHistogram,
} from "../lib/latency-histogram.js";
import { percentile } from "../lib/percentile.js";
import { type Database, DeliveryStatus, LATENCY_COLUMNS } from "./schema.js";

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

const HOUR_MS = 3_600_000;

/** A latency quantile function: `q` in [0, 1] → milliseconds, or null without attempts. */
export type Quantile = (q: number) => number | null;

/** Attempt counts and latency per time bucket (bucket = floor(time / bucketMs)). */
export interface AttemptStats {
  buckets: { bucket: number; status: number; n: number }[];
  /** Latency over the whole range. */
  latency: Quantile;
  /** Latency per bucket; buckets without attempts are absent. */
  latencyByBucket: Map<number, Quantile>;
}

/** Aggregates behind the overview, the endpoint charts and the retry-queue counts. */
export class StatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Attempt counts and latency. Buckets of whole hours are read from the hourly counters the
   * worker keeps (`stats_hourly`), which survive retention and cost one row per endpoint and
   * hour however many attempts there were; latency percentiles are then interpolated from
   * their histogram. Finer buckets (the last hour, by minute) read the attempts themselves,
   * which retention never reaches that soon, with exact percentiles.
   */
  async attemptStats(range: Range, bucketMs: number): Promise<AttemptStats> {
    if (bucketMs % HOUR_MS === 0 && range.from % HOUR_MS === 0) return this.counterStats(range, bucketMs);
    const [buckets, sample] = await Promise.all([this.attemptBuckets(range, bucketMs), this.attemptSample(range)]);
    const durations = new Map<number, number[]>();
    for (const s of sample) {
      const b = Math.floor(s.created_at / bucketMs);
      const list = durations.get(b);
      if (list) list.push(s.response_duration_ms);
      else durations.set(b, [s.response_duration_ms]);
    }
    const exact = (values: number[]): Quantile => {
      const sorted = values.sort((a, b) => a - b);
      return (q) => percentile(sorted, q);
    };
    return {
      buckets,
      latency: exact(sample.map((s) => s.response_duration_ms)),
      latencyByBucket: new Map([...durations].map(([b, d]) => [b, exact(d)])),
    };
  }

  private async counterStats(range: Range, bucketMs: number): Promise<AttemptStats> {
    const bucket = sql<number>`hour / ${sql.lit(bucketMs)}`;
    let q = this.db
      .selectFrom("stats_hourly")
      .select((eb) => [
        bucket.as("bucket"),
        eb.fn.sum<number>("success").as("success"),
        eb.fn.sum<number>("fail").as("fail"),
        eb.fn.max<number>("latency_max_ms").as("max_ms"),
        ...LATENCY_COLUMNS.map((c) => eb.fn.sum<number>(c).as(c)),
      ])
      .where("hour", ">=", range.from)
      .where("hour", "<", range.to);
    if (range.appId) q = q.where("app_id", "=", range.appId);
    if (range.endpointId) q = q.where("endpoint_id", "=", range.endpointId);
    const rows = await q.groupBy(bucket).execute();

    const buckets: AttemptStats["buckets"] = [];
    const latencyByBucket = new Map<number, Quantile>();
    const overall = emptyHistogram();
    for (const row of rows) {
      const b = Math.floor(Number(row.bucket));
      const success = Number(row.success);
      const fail = Number(row.fail);
      if (success > 0) buckets.push({ bucket: b, status: DeliveryStatus.success, n: success });
      if (fail > 0) buckets.push({ bucket: b, status: DeliveryStatus.fail, n: fail });
      const histogram: LatencyHistogram = {
        counts: LATENCY_COLUMNS.map((c) => Number(row[c])),
        maxMs: Number(row.max_ms),
      };
      mergeHistogram(overall, histogram);
      latencyByBucket.set(b, (p) => histogramQuantile(histogram, p));
    }
    return { buckets, latency: (p) => histogramQuantile(overall, p), latencyByBucket };
  }

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

  /**
   * Endpoints in a current run of failures, longest-failing first. Across applications, those of
   * internal applications (operational webhooks, ingest sources) are left out: they belong to no
   * application a user can open (their own pages show them).
   */
  async failingEndpoints(appId: string | undefined, limit = 20) {
    let q = this.db
      .selectFrom("endpoints")
      .select(["id", "app_id", "url", "first_failure_at", "disabled"])
      .where("first_failure_at", "is not", null);
    if (appId) q = q.where("app_id", "=", appId);
    else q = q.where("app_id", "not in", (eb) => eb.selectFrom("applications").select("id").where("internal", "is not", null));
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
          ? await this.db.selectFrom("attempts").select(["response_status_code", "response"]).where("id", "=", String(r.last)).executeTakeFirst()
          : undefined;
        return {
          appId: ep.app_id,
          endpointId: ep.id,
          url: ep.url,
          disabled: ep.disabled === 1,
          failures: Number(r?.n ?? 0),
          lastStatusCode: last?.response_status_code ?? null,
          lastResponse: last?.response ?? null,
          since: ep.first_failure_at!,
        };
      }),
    );
  }
}
