import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { PgWakeup } from "./pg-wakeup.js";

/** Resolves with how long `wakeup.wait` took, or `ms` when nothing woke it. */
async function timedWait(wakeup: PgWakeup, ms: number): Promise<number> {
  const started = Date.now();
  await wakeup.wait(ms);
  return Date.now() - started;
}

describe.skipIf(!TEST_POSTGRES_URL)("PgWakeup (LISTEN/NOTIFY)", () => {
  let schema: PgSchema;
  let other: PgSchema;
  const opened: PgWakeup[] = [];

  beforeEach(async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    other = await createPgSchema(TEST_POSTGRES_URL!);
  });
  afterEach(async () => {
    for (const w of opened.splice(0)) await w.close();
    await schema.drop();
    await other.drop();
  });

  async function open(url: string, listen: boolean): Promise<PgWakeup> {
    const w = new PgWakeup({ connectionString: url, listen, minBackoffMs: 50, maxBackoffMs: 200 });
    opened.push(w);
    w.start();
    await w.ready();
    // A wait consumes the wake-up every (re)connect gives, so tests start from a quiet state.
    await w.wait(0);
    return w;
  }

  it("wakes a listening instance at once when another announces work", async () => {
    const api = await open(schema.url, false);
    const worker = await open(schema.url, true);
    const waiting = timedWait(worker, 5_000);
    api.notify();
    expect(await waiting).toBeLessThan(1_000);
    expect(worker.received).toBe(1);
  });

  it("ignores its own announcements and those of another schema", async () => {
    const worker = await open(schema.url, true);
    const elsewhere = await open(other.url, false);
    elsewhere.notify();
    // Its own notify wakes it directly (the in-process path), not through the channel.
    worker.notify();
    await worker.wait(0);
    expect(await timedWait(worker, 400)).toBeGreaterThanOrEqual(350);
    expect(worker.received).toBe(0);
  });

  it("folds a burst of notify() calls into a few NOTIFYs", async () => {
    const api = await open(schema.url, false);
    const worker = await open(schema.url, true);
    for (let i = 0; i < 1_000; i++) api.notify();
    await expect.poll(() => worker.received, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    // Anything still in flight from the burst would land within this settle time.
    await new Promise((r) => setTimeout(r, 300));
    expect(worker.received).toBeLessThanOrEqual(3);
  });

  it("reconnects after losing its connection and wakes the worker once it is back", async () => {
    const api = await open(schema.url, false);
    const worker = await open(schema.url, true);
    const pid = worker.backendProcessId!;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const waiting = timedWait(worker, 5_000);
      await admin.query("select pg_terminate_backend($1)", [pid]);
      // The reconnect itself wakes the worker: anything announced meanwhile was missed.
      expect(await waiting).toBeLessThan(3_000);
      await worker.ready();
      expect(worker.backendProcessId).not.toBe(pid);
    } finally {
      await admin.end();
    }
    await worker.wait(0);
    const waiting = timedWait(worker, 5_000);
    api.notify();
    expect(await waiting).toBeLessThan(1_000);
    expect(worker.received).toBe(1);
  });
});
