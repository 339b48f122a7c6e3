import { Iso } from "../contract/common.js";
import { DELIVERY_STATUS } from "../contract/delivery-status.js";
import type { EndpointLatencyOut, OverviewOut, Period } from "../contract/stats.js";
import type { AttemptStats, Quantile, Range, StatsRepository } from "../store/stats-repository.js";
import type { ApplicationService } from "./applications.js";
import type { EndpointService } from "./endpoints.js";
import type { Principal } from "./principal.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Length of each period and the width of its chart buckets: 60, 24 and 28 points. */
const PERIODS: Record<Period, { span: number; bucket: number }> = {
  hour: { span: HOUR, bucket: MINUTE },
  day: { span: 24 * HOUR, bucket: HOUR },
  week: { span: 7 * 24 * HOUR, bucket: 6 * HOUR },
};

/** How much of the last failed attempt's response the overview shows. */
const LAST_ERROR_CHARS = 200;

type FailingRow = Awaited<ReturnType<StatsRepository["failingEndpoints"]>>[number];

/** Counts of inbound requests by outcome; provided by the inbound module once it exists. */
export type InboundCounter = (range: Range) => Promise<{ accepted: number; rejected: number; duplicate: number }>;

/** The numbers behind the dashboard overview and the per-endpoint charts. */
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly applications: ApplicationService,
    private readonly endpoints: EndpointService,
    private readonly inbound: InboundCounter = async () => ({ accepted: 0, rejected: 0, duplicate: 0 }),
  ) {}

  async overview(principal: Principal, period: Period, appIdOrUid?: string): Promise<OverviewOut> {
    let appId: string | undefined = principal.appId ?? undefined;
    if (appIdOrUid) appId = (await this.applications.resolve(principal, appIdOrUid)).id;
    const { span, bucket } = PERIODS[period];
    const to = Date.now();
    const range: Range = { from: alignDown(to - span, bucket), to, appId };
    const [messages, attempts, queue, failing, inbound] = await Promise.all([
      this.stats.messageBuckets(range, bucket),
      this.stats.attemptStats(range, bucket),
      this.stats.queueCounts(appId),
      this.stats.failingEndpoints(appId),
      this.inbound(range),
    ]);
    const totals = sumAttempts(attempts.buckets);
    return {
      period,
      from: Iso(range.from),
      to: Iso(to),
      messages: [...messages.values()].reduce((a, b) => a + b, 0),
      attempts: totals,
      successRate: rate(totals),
      latencyMs: latency(attempts.latency),
      failingEndpoints: await Promise.all(failing.map((f) => this.failingOut(principal, f))),
      queue,
      series: series(range, bucket, messages, attempts),
      inbound,
    };
  }

  private async failingOut(principal: Principal, f: FailingRow): Promise<OverviewOut["failingEndpoints"][number]> {
    const { lastResponse, ...rest } = f;
    // The application is the principal's own or one it may see (the list is filtered by app).
    const app = await this.applications.resolve(principal, f.appId).catch(() => undefined);
    return {
      ...rest,
      appName: app?.name ?? f.appId,
      lastError: lastResponse ? lastResponse.slice(0, LAST_ERROR_CHARS) : null,
      since: Iso(f.since),
    };
  }

  async endpointLatency(principal: Principal, appIdOrUid: string, endpointIdOrUid: string, period: Period): Promise<EndpointLatencyOut> {
    const { endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    const { span, bucket } = PERIODS[period];
    const to = Date.now();
    const range: Range = { from: alignDown(to - span, bucket), to, endpointId: endpoint.id };
    const attempts = await this.stats.attemptStats(range, bucket);
    const totals = sumAttempts(attempts.buckets);
    return {
      period,
      ...totals,
      successRate: rate(totals),
      latencyMs: latency(attempts.latency),
      series: series(range, bucket, new Map(), attempts),
    };
  }
}

function alignDown(ms: number, bucket: number): number {
  return Math.floor(ms / bucket) * bucket;
}

function sumAttempts(rows: { status: number; n: number }[]): { success: number; fail: number } {
  let success = 0;
  let fail = 0;
  for (const r of rows) {
    if (r.status === DELIVERY_STATUS.success) success += r.n;
    else fail += r.n;
  }
  return { success, fail };
}

function rate(t: { success: number; fail: number }): number | null {
  const total = t.success + t.fail;
  return total === 0 ? null : t.success / total;
}

function latency(quantile: Quantile) {
  return { p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) };
}

function series(range: Range, bucket: number, messages: Map<number, number>, attempts: AttemptStats) {
  const first = range.from / bucket;
  const last = Math.floor((range.to - 1) / bucket);
  const points = [];
  for (let b = first; b <= last; b++) {
    let success = 0;
    let fail = 0;
    for (const a of attempts.buckets) {
      if (a.bucket !== b) continue;
      if (a.status === DELIVERY_STATUS.success) success += a.n;
      else fail += a.n;
    }
    const quantile = attempts.latencyByBucket.get(b);
    points.push({
      t: Iso(b * bucket),
      messages: messages.get(b) ?? 0,
      success,
      fail,
      p50: quantile ? quantile(0.5) : null,
      p95: quantile ? quantile(0.95) : null,
    });
  }
  return points;
}
