import { afterAll, beforeAll, expect, it } from "vitest";

import { newId } from "../lib/ids.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { SourceRateLimits } from "./rate-limits.js";

describeEachStore("SourceRateLimits on %s", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });

  afterAll(async () => {
    await t.close();
  });

  it("lets `points` requests through per window, then tells how long to wait", async () => {
    const limits = new SourceRateLimits(t.store);
    const source = newId("src");
    const window = [{ points: 3, durationSeconds: 20 }];
    for (let i = 0; i < 3; i++) expect(await limits.consume(source, window)).toEqual({ ok: true });
    const refused = await limits.consume(source, window);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(19);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(20);
    }
    // Another source has its own counters.
    expect(await limits.consume(newId("src"), window)).toEqual({ ok: true });
  });

  it("passes exactly `points` of a concurrent burst, across the shared counter", async () => {
    const limits = new SourceRateLimits(t.store);
    const source = newId("src");
    const window = [{ points: 4, durationSeconds: 30 }];
    const burst = await Promise.all(Array.from({ length: 10 }, () => limits.consume(source, window)));
    expect(burst.filter((v) => v.ok)).toHaveLength(4);
    expect((await limits.consume(source, window)).ok).toBe(false);
    // A second limiter (another instance) shares the count on PostgreSQL.
    if (kind === "postgres") expect((await new SourceRateLimits(t.store).consume(source, window)).ok).toBe(false);
  });

  it("refuses when any window is exhausted and waits for the longest refusing one", async () => {
    const limits = new SourceRateLimits(t.store);
    const source = newId("src");
    const windows = [
      { points: 100, durationSeconds: 86_400 },
      { points: 2, durationSeconds: 600 },
      { points: 3, durationSeconds: 10 },
    ];
    expect(await limits.consume(source, windows)).toEqual({ ok: true });
    expect(await limits.consume(source, windows)).toEqual({ ok: true });
    const refused = await limits.consume(source, windows);
    // Only the 600 s window is exhausted; waiting for the 10 s one would not help.
    expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThan(590);
    expect(await limits.consume(source, [])).toEqual({ ok: true });
  });

  it("frees a window when it ends", async () => {
    const limits = new SourceRateLimits(t.store);
    const source = newId("src");
    const window = [{ points: 1, durationSeconds: 1 }];
    expect((await limits.consume(source, window)).ok).toBe(true);
    expect((await limits.consume(source, window)).ok).toBe(false);
    // Polled against a deadline: under load the window's end is seen late, never early.
    await expect
      .poll(async () => (await limits.consume(source, window)).ok, { timeout: 10_000, interval: 100 })
      .toBe(true);
  });

  if (kind === "postgres") {
    it("shares one limit between instances through the database", async () => {
      const a = new SourceRateLimits(t.store);
      const b = new SourceRateLimits(t.store);
      const source = newId("src");
      const window = [{ points: 2, durationSeconds: 60 }];
      expect((await a.consume(source, window)).ok).toBe(true);
      expect((await b.consume(source, window)).ok).toBe(true);
      expect((await a.consume(source, window)).ok).toBe(false);
      expect((await b.consume(source, window)).ok).toBe(false);
      const rows = await t.store.db
        .selectFrom("inbound_rate_limits")
        .selectAll()
        .where("key", "like", `%${source}`)
        .execute();
      expect(rows).toHaveLength(1);
    });
  }
});
