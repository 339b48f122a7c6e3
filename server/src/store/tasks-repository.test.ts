import { describe, expect, it } from "vitest";

import { describeEachStore } from "../test-support/postgres.js";
import { type Seed, storePerTest } from "../test-support/store.js";
import type { Store } from "./database.js";
import { DeliveryStatus, type TaskRow } from "./schema.js";
import { newTaskRow, type TaskParams, TasksRepository } from "./tasks-repository.js";

const HOUR = 3_600_000;

function taskRow(appId: string, endpointId: string | null, task: string, params: TaskParams, at = Date.now()): TaskRow {
  return newTaskRow(appId, endpointId, task, params, at);
}

async function statuses(store: Store, endpointId: string): Promise<Map<string, { status: number; next_trigger: number }>> {
  const rows = await store.db.selectFrom("deliveries").select(["msg_id", "status", "next_trigger"]).where("endpoint_id", "=", endpointId).execute();
  return new Map(rows.map((r) => [r.msg_id, r]));
}

/** Runs one task to its end under `owner`, `limit` rows a batch; returns the batches run. */
async function runToEnd(repo: TasksRepository, owner: string, limit: number): Promise<number> {
  const lease = () => ({ owner, now: Date.now(), leaseMs: 60_000 });
  const task = await repo.claim(lease());
  if (!task) throw new Error("no task to claim");
  for (let n = 1; ; n++) if ((await repo.runBatch(task.id, lease(), limit)).state !== "running") return n;
}

describeEachStore("background tasks in the store (%s)", (kind) => {
  const t = storePerTest(kind);

  async function failedDeliveries(seed: Seed, appId: string, endpointId: string, n: number, values: Parameters<Seed["delivery"]>[2] = {}) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { msgId } = await seed.delivery(appId, endpointId, {
        ...values,
        delivery: { status: DeliveryStatus.fail, due_at: null, last_status_code: 500, ...values.delivery },
      });
      ids.push(msgId);
    }
    return ids;
  }

  it("recover re-queues the failed deliveries in batches, counting progress, and finishes", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    const failed = await failedDeliveries(t.seed, app, ep, 23);
    const { msgId: ok } = await t.seed.delivery(app, ep, { delivery: { status: DeliveryStatus.success, due_at: null } });
    const repo = new TasksRepository(t.store);
    const row = taskRow(app, ep, "endpoint.recover", { since: Date.now() - HOUR });
    await repo.insert(row);
    expect(await runToEnd(repo, "w1", 5)).toBe(5);
    const after = await statuses(t.store, ep);
    for (const id of failed) expect(after.get(id)).toMatchObject({ status: DeliveryStatus.pending, next_trigger: 1 });
    expect(after.get(ok)!.status).toBe(DeliveryStatus.success);
    expect(await repo.find(row.id)).toMatchObject({ status: "finished", scanned: 23, affected: 23, total: 23, lease_owner: null });
  });

  it("resumes a task whose runner died from the last committed batch, repeating none", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    await failedDeliveries(t.seed, app, ep, 12);
    const repo = new TasksRepository(t.store);
    const row = taskRow(app, ep, "endpoint.bulk-replay", { since: Date.now() - HOUR });
    await repo.insert(row);
    const start = Date.now();
    const dead = await repo.claim({ owner: "dead", now: start, leaseMs: 1_000 });
    expect(dead?.id).toBe(row.id);
    // Two batches commit, then the runner "dies" (its lease is simply never renewed).
    await repo.runBatch(row.id, { owner: "dead", now: start, leaseMs: 1_000 }, 5);
    await repo.runBatch(row.id, { owner: "dead", now: start, leaseMs: 1_000 }, 5);
    const half = (await repo.find(row.id))!;
    expect(half).toMatchObject({ scanned: 10, affected: 10 });
    // Those ten were sent and succeeded meanwhile: a repeat would queue them again.
    await t.store.db.updateTable("deliveries").set({ status: DeliveryStatus.success, next_trigger: 0 }).where("endpoint_id", "=", ep).where("status", "=", DeliveryStatus.pending).execute();
    // Not claimable while the lease holds; claimable once it expired.
    expect(await repo.claim({ owner: "next", now: start + 500, leaseMs: 60_000 })).toBeUndefined();
    const resumed = await repo.claim({ owner: "next", now: start + 1_001, leaseMs: 60_000 });
    expect(resumed).toMatchObject({ id: row.id, cursor: half.cursor, lease_owner: "next" });
    // The dead runner's late batch is fenced off: nothing written.
    expect(await repo.runBatch(row.id, { owner: "dead", now: start + 1_002, leaseMs: 1_000 }, 5)).toEqual({ state: "lost" });
    let outcome;
    do outcome = await repo.runBatch(row.id, { owner: "next", now: Date.now(), leaseMs: 60_000 }, 5);
    while (outcome.state === "running");
    expect(await repo.find(row.id)).toMatchObject({ status: "finished", scanned: 12, affected: 12 });
    const after = await statuses(t.store, ep);
    expect([...after.values()].filter((d) => d.status === DeliveryStatus.pending)).toHaveLength(2);
    expect([...after.values()].filter((d) => d.status === DeliveryStatus.success)).toHaveLength(10);
  });

  it("bulk-replay applies the status, status-class, event-type, channel and tag filters", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    const [match] = await failedDeliveries(t.seed, app, ep, 1, { message: { event_type: "a.b", channels: '["eu"]', tags: '["t1"]' } });
    await failedDeliveries(t.seed, app, ep, 1, { message: { event_type: "c.d", channels: '["eu"]', tags: '["t1"]' } });
    await failedDeliveries(t.seed, app, ep, 1, { message: { event_type: "a.b", channels: '["us"]', tags: '["t1"]' } });
    await failedDeliveries(t.seed, app, ep, 1, { message: { event_type: "a.b", channels: '["eu"]', tags: '["t2"]' } });
    await failedDeliveries(t.seed, app, ep, 1, { message: { event_type: "a.b", channels: '["eu"]', tags: '["t1"]' }, delivery: { last_status_code: 404 } });
    await t.seed.delivery(app, ep, { message: { event_type: "a.b", channels: '["eu"]', tags: '["t1"]' }, delivery: { status: DeliveryStatus.success, last_status_code: 500, due_at: null } });
    const repo = new TasksRepository(t.store);
    await repo.insert(taskRow(app, ep, "endpoint.bulk-replay", { since: Date.now() - HOUR, status: 2, statusCodeClass: 500, eventTypes: ["a.b"], channel: "eu", tag: "t1" }));
    await runToEnd(repo, "w", 100);
    const pending = [...(await statuses(t.store, ep)).entries()].filter(([, d]) => d.status === DeliveryStatus.pending).map(([id]) => id);
    expect(pending).toEqual([match]);
  });

  it("replay-missing creates deliveries for the messages the endpoint never had, within its filters", async () => {
    const app = await t.seed.app();
    const old = await t.seed.endpoint(app);
    const { msgId: a } = await t.seed.delivery(app, old, { message: { event_type: "a.b" } });
    const { msgId: filtered } = await t.seed.delivery(app, old, { message: { event_type: "x.y" } });
    const fresh = await t.seed.endpoint(app, { event_types: '["a.b"]' });
    const { msgId: had } = await t.seed.delivery(app, fresh, { message: { event_type: "a.b" } });
    const other = await t.seed.app();
    const otherEp = await t.seed.endpoint(other);
    await t.seed.delivery(other, otherEp);
    const repo = new TasksRepository(t.store);
    const row = taskRow(app, fresh, "endpoint.replay", { since: Date.now() - HOUR });
    await repo.insert(row);
    await runToEnd(repo, "w", 1);
    const after = await statuses(t.store, fresh);
    expect([...after.keys()].sort()).toEqual([a, had].sort());
    expect(after.get(a)).toMatchObject({ status: DeliveryStatus.pending, next_trigger: 1 });
    expect(after.has(filtered)).toBe(false);
    expect(await repo.find(row.id)).toMatchObject({ status: "finished", affected: 1, total: 1 });
  });

  it("purge empties the application's payloads sent before it, and no others", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    for (let i = 0; i < 7; i++) await t.seed.delivery(app, ep);
    const other = await t.seed.app();
    const { msgId: kept } = await t.seed.delivery(other, await t.seed.endpoint(other));
    const repo = new TasksRepository(t.store);
    const row = taskRow(app, null, "application.purge_content", {});
    await repo.insert(row);
    await new Promise((r) => setTimeout(r, 3));
    const { msgId: later } = await t.seed.delivery(app, ep);
    await runToEnd(repo, "w", 3);
    const payloads = await t.store.db.selectFrom("messages").select(["id", "payload", "app_id"]).execute();
    expect(payloads.filter((m) => m.payload !== null).map((m) => m.id).sort()).toEqual([kept, later].sort());
    expect(await repo.find(row.id)).toMatchObject({ status: "finished", affected: 7 });
  });

  it("fails a task whose endpoint was deleted", async () => {
    const app = await t.seed.app();
    const repo = new TasksRepository(t.store);
    const row = taskRow(app, "ep_gone", "endpoint.recover", { since: 0 });
    await repo.insert(row);
    await runToEnd(repo, "w", 10);
    expect(await repo.find(row.id)).toMatchObject({ status: "failed", error: "The endpoint was deleted" });
  });

  describe("listing", () => {
    it("filters on application, status and type, newest first, with an iterator", async () => {
      const app = await t.seed.app();
      const other = await t.seed.app();
      const repo = new TasksRepository(t.store);
      const rows = [taskRow(app, null, "application.purge_content", {}), taskRow(app, "ep_x", "endpoint.recover", {}), taskRow(other, "ep_y", "endpoint.recover", {})];
      for (const r of rows) await repo.insert(r);
      await t.store.db.updateTable("tasks").set({ status: "finished" }).where("id", "=", rows[0]!.id).execute();
      expect((await repo.list({}, { limit: 10 })).data.map((r) => r.id)).toEqual([rows[2]!.id, rows[1]!.id, rows[0]!.id]);
      expect((await repo.list({ appId: app, status: "running" }, { limit: 10 })).data.map((r) => r.id)).toEqual([rows[1]!.id]);
      expect((await repo.list({ task: "endpoint.recover" }, { limit: 10 })).data).toHaveLength(2);
      const first = await repo.list({}, { limit: 2 });
      expect(first.done).toBe(false);
      const second = await repo.list({}, { limit: 2, iterator: first.iterator! });
      expect(second).toMatchObject({ done: true, data: [{ id: rows[0]!.id }] });
      expect(await repo.countRunning()).toBe(2);
    });
  });
});
