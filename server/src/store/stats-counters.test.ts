import { afterEach, beforeEach, expect, it } from "vitest";

import type { OverviewOut } from "../contract/stats.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { Seed } from "../test-support/store.js";
import { type ClaimedDelivery, DeliveriesRepository, type DeliveryResult } from "./deliveries-repository.js";
import { RetentionRepository } from "./retention-repository.js";
import { DeliveryStatus, type StatsHourlyRow } from "./schema.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The hourly counters the worker keeps beside the attempts: written in the attempts'
 * transaction, one row per (endpoint, hour), and what the day and week figures are read from
 * once retention has deleted the attempts.
 */
describeEachStore("hourly stats counters on %s", (kind) => {
  let t: TestApp;
  let seed: Seed;
  let repo: DeliveriesRepository;
  let appId: string;

  beforeEach(async () => {
    t = await startTestApp({}, kind);
    seed = new Seed(t.store);
    repo = new DeliveriesRepository(t.store, { endpointDisableAfterMs: 5 * DAY });
    appId = await seed.app();
  });
  afterEach(() => t.close());

  async function claimAll(n: number): Promise<ClaimedDelivery[]> {
    const claimed = await repo.claim({ owner: "w1", now: Date.now() + 1, leaseMs: 60_000, limit: n });
    expect(claimed).toHaveLength(n);
    return claimed;
  }

  function result(c: ClaimedDelivery, at: number, ok: boolean, ms: number): DeliveryResult {
    return {
      deliveryId: c.delivery.id,
      endpointId: c.endpoint.id,
      owner: "w1",
      next: ok ? "success" : "fail",
      at,
      attempt: {
        msg_id: c.delivery.msg_id,
        app_id: c.delivery.app_id,
        url: c.endpoint.url,
        status: ok ? DeliveryStatus.success : DeliveryStatus.fail,
        response_status_code: ok ? 200 : 500,
        response: "",
        response_duration_ms: ms,
        trigger_type: 0,
      },
    };
  }

  const counters = async (): Promise<StatsHourlyRow[]> =>
    t.store.db.selectFrom("stats_hourly").selectAll().orderBy("endpoint_id").orderBy("hour").execute();

  it("lists a failing endpoint with its application's name and the last failure's reason", async () => {
    const ep = await seed.endpoint(appId);
    await seed.delivery(appId, ep);
    const [claimed] = await claimAll(1);
    const failed = result(claimed!, Date.now() - 1_000, false, 5);
    const reason = "ESSRF: refusing to connect to 127.0.0.1: loopback address";
    failed.attempt = { ...failed.attempt!, response_status_code: 0, response: reason };
    await repo.recordResults([failed]);
    const r = await t.app.inject({ url: "/api/v1/stats/overview?period=hour", headers: t.auth });
    const [failing] = r.json<OverviewOut>().failingEndpoints;
    const app = await t.store.db.selectFrom("applications").select("name").where("id", "=", appId).executeTakeFirstOrThrow();
    expect(failing).toMatchObject({ appId, appName: app.name, endpointId: ep, lastStatusCode: 0, lastError: reason });
  });

  it("folds a batch into one row per endpoint and hour and adds later batches to it", async () => {
    const [a, b] = [await seed.endpoint(appId), await seed.endpoint(appId)].sort();
    for (let i = 0; i < 5; i++) await seed.delivery(appId, a!);
    for (let i = 0; i < 2; i++) await seed.delivery(appId, b!);
    const claimed = await claimAll(7);
    const toA = claimed.filter((c) => c.endpoint.id === a);
    const toB = claimed.filter((c) => c.endpoint.id === b);
    const h = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;

    // Batch 1: A gets three successes in hour h (5, 30 and 700 ms) and a failure in h+1; B two successes.
    await repo.recordResults([
      result(toA[0]!, h + 10, true, 5),
      result(toA[1]!, h + 20, true, 30),
      result(toA[2]!, h + 30, true, 700),
      result(toA[3]!, h + HOUR + 5, false, 12_000),
      result(toB[0]!, h + 40, true, 2),
      // Released untried: no attempt, nothing counted.
      { deliveryId: toB[1]!.delivery.id, endpointId: b!, owner: "w1", next: "release", dueAt: h, at: h + 50 },
    ]);
    const zero = {
      lat_10: 0,
      lat_50: 0,
      lat_100: 0,
      lat_250: 0,
      lat_500: 0,
      lat_1000: 0,
      lat_5000: 0,
      lat_inf: 0,
    };
    expect(await counters()).toEqual([
      {
        ...zero,
        endpoint_id: a,
        hour: h,
        app_id: appId,
        success: 3,
        fail: 0,
        lat_10: 1,
        lat_50: 1,
        lat_1000: 1,
        latency_max_ms: 700,
      },
      {
        ...zero,
        endpoint_id: a,
        hour: h + HOUR,
        app_id: appId,
        success: 0,
        fail: 1,
        lat_inf: 1,
        latency_max_ms: 12_000,
      },
      { ...zero, endpoint_id: b, hour: h, app_id: appId, success: 1, fail: 0, lat_10: 1, latency_max_ms: 2 },
    ]);

    // Batch 2 lands in an existing row: counts add up, the maximum only grows.
    await repo.recordResults([result(toA[4]!, h + 60, false, 120)]);
    const [rowA] = await counters();
    expect(rowA).toMatchObject({ success: 3, fail: 1, lat_250: 1, latency_max_ms: 700 });
  });

  it("counts nothing for a result whose transaction failed", async () => {
    const ep = await seed.endpoint(appId);
    for (let i = 0; i < 3; i++) await seed.delivery(appId, ep);
    const claimed = await claimAll(3);
    const at = Date.now();
    const broken = result(claimed[1]!, at, true, 5);
    // NOT NULL violation: the batch fails, then this result alone; the other two are written.
    (broken.attempt as { response: string | null }).response = null;
    const summary = await repo.recordResults([
      result(claimed[0]!, at, true, 5),
      broken,
      result(claimed[2]!, at, false, 5),
    ]);
    expect(summary.written).toBe(2);
    const rows = await counters();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ success: 1, fail: 1, lat_10: 2 });
  });

  it("serves day and week figures from the counters, which outlive the attempts", async () => {
    const ep = await seed.endpoint(appId);
    for (let i = 0; i < 10; i++) await seed.delivery(appId, ep);
    const claimed = await claimAll(10);
    const twoHoursAgo = Date.now() - 2 * HOUR;
    await repo.recordResults(claimed.map((c, i) => result(c, twoHoursAgo, i < 8, 20 + i * 10)));

    const overview = async (period: string): Promise<OverviewOut> => {
      const r = await t.app.inject({ url: `/api/v1/stats/overview?period=${period}`, headers: t.auth });
      expect(r.statusCode).toBe(200);
      return r.json<OverviewOut>();
    };
    const before = await overview("day");
    expect(before.attempts).toEqual({ success: 8, fail: 2 });
    expect(before.successRate).toBeCloseTo(0.8);
    // 20 … 110 ms: the median interpolated in the 50–100 ms bucket, p99 capped at the maximum.
    expect(before.latencyMs.p50).toBeGreaterThanOrEqual(50);
    expect(before.latencyMs.p50).toBeLessThanOrEqual(100);
    expect(before.latencyMs.p99).toBeLessThanOrEqual(110);
    const point = before.series.find((p) => p.success > 0);
    expect(point).toMatchObject({ success: 8, fail: 2 });
    expect(point!.p50).not.toBeNull();
    expect(Date.parse(point!.t)).toBe(Math.floor(twoHoursAgo / HOUR) * HOUR);
    const week = await overview("week");
    expect(week.attempts).toEqual({ success: 8, fail: 2 });

    // Retention deletes every attempt; the day and week figures stay as they were.
    const retention = new RetentionRepository(t.store);
    expect(await retention.deleteAttempts(Date.now() + 1, 1_000)).toBe(10);
    const after = await overview("day");
    expect(after.attempts).toEqual(before.attempts);
    expect(after.latencyMs).toEqual(before.latencyMs);
    expect(after.series).toEqual(before.series.map((p) => ({ ...p })));
    expect((await overview("week")).attempts).toEqual({ success: 8, fail: 2 });

    // The endpoint chart reads the same counters.
    const latency = await t.app.inject({
      url: `/api/v1/app/${appId}/endpoint/${ep}/latency?period=day`,
      headers: t.auth,
    });
    expect(latency.statusCode).toBe(200);
    expect(latency.json()).toMatchObject({ success: 8, fail: 2 });
  });

  it("reads the last hour, by minute, from the attempts with exact percentiles", async () => {
    const ep = await seed.endpoint(appId);
    for (let i = 0; i < 4; i++) await seed.delivery(appId, ep);
    const claimed = await claimAll(4);
    const at = Date.now() - 60_000;
    await repo.recordResults(claimed.map((c, i) => result(c, at, true, [3, 7, 11, 400][i]!)));
    const r = await t.app.inject({ url: "/api/v1/stats/overview?period=hour", headers: t.auth });
    const body = r.json<OverviewOut>();
    expect(body.attempts).toEqual({ success: 4, fail: 0 });
    // Nearest-rank on the raw values, not a bucket estimate.
    expect(body.latencyMs).toEqual({ p50: 7, p95: 400, p99: 400 });
    expect(body.series).toHaveLength(61);
  });
});
