import pino from "pino";
import { afterEach, beforeEach, expect, it } from "vitest";

import { Heartbeat } from "../lib/heartbeat.js";
import { WorkerHeartbeatsRepository } from "../store/worker-heartbeats-repository.js";
import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, type TestStore } from "../test-support/store.js";
import { HeartbeatPublisher } from "./heartbeat-publisher.js";

describeEachStore("worker heartbeat publisher on %s", (kind) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  it("writes the worker's last claim round, keeps one row per worker, prunes the long gone and removes its own on stop", async () => {
    const repository = new WorkerHeartbeatsRepository(t.store.db);
    let now = 1_000_000_000;
    const heartbeat = new Heartbeat(now - 5_000);
    const publisher = new HeartbeatPublisher({ repository, heartbeat, owner: "w1", intervalMs: 60_000, now: () => now });

    await publisher.publish();
    expect(await repository.list()).toEqual([
      { owner: "w1", host: expect.any(String), pid: process.pid, started_at: now - 5_000, last_claim_at: null, reported_at: now },
    ]);

    // A crashed worker's row, last heard of more than an hour ago.
    await repository.report({ owner: "gone", host: "x", pid: 1, started_at: 0, last_claim_at: 10, reported_at: now - 3_600_001 });
    heartbeat.beat(now + 100);
    now += 1_000;
    await publisher.publish();
    expect(await repository.list()).toEqual([
      expect.objectContaining({ owner: "w1", last_claim_at: now - 900, reported_at: now, started_at: now - 6_000 }),
    ]);

    await publisher.stop();
    expect(await repository.list()).toEqual([]);
  });

  it("keeps reporting on its interval, and a failed write is only logged", async () => {
    const repository = new WorkerHeartbeatsRepository(t.store.db);
    const heartbeat = new Heartbeat();
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const warnings = { toContainLine: (msg: string) => lines.some((l) => (JSON.parse(l) as { msg: string }).msg === msg) };
    const publisher = new HeartbeatPublisher({ repository, heartbeat, owner: "w2", intervalMs: 20, logger });
    publisher.start();
    const deadline = Date.now() + 5_000;
    heartbeat.beat();
    let rows = await repository.list();
    while ((rows[0]?.last_claim_at ?? null) === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      rows = await repository.list();
    }
    expect(rows[0]).toMatchObject({ owner: "w2", last_claim_at: heartbeat.lastAt });

    await t.store.db.schema.dropTable("worker_heartbeats").execute();
    await publisher.publish();
    expect(warnings.toContainLine("could not report the worker heartbeat; trying again at the next tick")).toBe(true);
    await publisher.stop();
    expect(warnings.toContainLine("could not remove the worker heartbeat row; it is pruned after an hour")).toBe(true);
  });
});
