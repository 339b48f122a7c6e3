import { expect, it } from "vitest";

import { createMetrics } from "../lib/metrics.js";
import { Wakeup } from "../lib/wakeup.js";
import { DeliveryStatus } from "../store/schema.js";
import { newTaskRow, TasksRepository } from "../store/tasks-repository.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import type { BackgroundTaskQueue } from "./ports.js";
import { TaskRunner } from "./task-runner.js";

const config = { taskBatchSize: 4, taskPauseMs: 1, taskLeaseMs: 60_000, taskPollMs: 20, taskMaxLagMs: 60_000 };

async function recoverTask(repo: TasksRepository, appId: string, endpointId: string): Promise<string> {
  const now = Date.now();
  const row = newTaskRow(appId, endpointId, "endpoint.recover", { since: now - 60_000 }, now);
  await repo.insert(row);
  return row.id;
}

async function until(probe: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachStore("the background-task runner (%s)", (kind) => {
  const t = storePerTest(kind);

  /** Plays a delivery worker that keeps up: every 20 ms, what is due is marked sent. */
  function keepDraining(): () => Promise<void> {
    let on = true;
    const loop = (async () => {
      while (on) {
        await t.store.db.updateTable("deliveries").set({ status: DeliveryStatus.success, due_at: null }).where("status", "=", DeliveryStatus.pending).execute();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return async () => {
      on = false;
      await loop;
    };
  }

  it("runs a task to its end in batches, wakes the delivery worker and counts progress", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    for (let i = 0; i < 10; i++) await t.seed.delivery(app, ep, { delivery: { status: DeliveryStatus.fail, due_at: null } });
    const repo = new TasksRepository(t.store);
    const deliveryWakeup = new Wakeup();
    const metrics = createMetrics();
    const runner = new TaskRunner({ tasks: repo, config, deliveryWakeup, wakeup: new Wakeup(), metrics });
    const id = await recoverTask(repo, app, ep);
    const stopDraining = keepDraining();
    runner.start();
    await until(async () => (await repo.find(id))?.status === "finished");
    await runner.stop();
    await stopDraining();
    expect(await repo.find(id)).toMatchObject({ affected: 10, scanned: 10, total: 10 });
    // The worker was signalled (a pending signal resolves the wait at once).
    const t0 = Date.now();
    await deliveryWakeup.wait(5_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const text = await metrics.registry.metrics();
    expect(text).toContain('hookrelay_background_task_messages_total{task="endpoint.recover"} 10');
    expect(text).toContain('hookrelay_background_task_batches_total{task="endpoint.recover"} 3');
    // The progress series goes with the task.
    expect(text).not.toContain(`id="${id}"`);
  });

  it("hands its task back when stopped between two batches, for the next runner to finish", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    for (let i = 0; i < 40; i++) await t.seed.delivery(app, ep, { delivery: { status: DeliveryStatus.fail, due_at: null } });
    const repo = new TasksRepository(t.store);
    const id = await recoverTask(repo, app, ep);
    const first = new TaskRunner({ tasks: repo, config: { ...config, taskBatchSize: 2, taskPauseMs: 50 } });
    const stopDraining = keepDraining();
    first.start();
    await until(async () => Number((await repo.find(id))?.scanned) > 0);
    await first.stop();
    const handed = (await repo.find(id))!;
    expect(handed).toMatchObject({ status: "running", lease_owner: null });
    expect(Number(handed.scanned)).toBeLessThan(40);
    const second = new TaskRunner({ tasks: repo, config });
    second.start();
    await until(async () => (await repo.find(id))?.status === "finished");
    await second.stop();
    await stopDraining();
    expect(await repo.find(id)).toMatchObject({ scanned: 40, affected: 40 });
  });

  it("waits before its next batch while the delivery worker lags, and goes on once it caught up", async () => {
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    for (let i = 0; i < 6; i++) await t.seed.delivery(app, ep, { delivery: { status: DeliveryStatus.fail, due_at: null } });
    const repo = new TasksRepository(t.store);
    const id = await recoverTask(repo, app, ep);
    const runner = new TaskRunner({ tasks: repo, config: { ...config, taskBatchSize: 2, taskMaxLagMs: 100 } });
    runner.start();
    // Nobody drains the queue: the first batch's deliveries grow old, and the task waits.
    await until(async () => Number((await repo.find(id))?.scanned) === 2);
    await new Promise((r) => setTimeout(r, 400));
    expect(Number((await repo.find(id))?.scanned)).toBe(2);
    expect(await repo.queueBacklog(Date.now(), 10)).toMatchObject({ due: 2, lagMs: expect.any(Number) });
    // The worker catches up (the deliveries were sent): the task goes on, and waits again.
    const drain = () => t.store.db.updateTable("deliveries").set({ status: DeliveryStatus.success, due_at: null }).where("status", "=", DeliveryStatus.pending).execute();
    await drain();
    await until(async () => Number((await repo.find(id))?.scanned) === 4);
    const stopDraining = keepDraining();
    await until(async () => (await repo.find(id))?.status === "finished", 2_000);
    await runner.stop();
    await stopDraining();
  });

  it("marks a task failed after repeated batch failures, and retries before that", async () => {
    const repo = new TasksRepository(t.store);
    const app = await t.seed.app();
    const id = await recoverTask(repo, app, await t.seed.endpoint(app));
    let calls = 0;
    const failing: BackgroundTaskQueue = {
      claim: (lease) => repo.claim({ ...lease, now: Date.now() + 10_000 }),
      runBatch: () => {
        calls++;
        return Promise.reject(new Error("statement timeout"));
      },
      release: (taskId, owner, _dueAt, error) => repo.release(taskId, owner, Date.now() - 1, error),
      queueBacklog: () => Promise.resolve({ due: 0, lagMs: 0 }),
      fail: (taskId, owner, now, error) => repo.fail(taskId, owner, now, error),
    };
    const runner = new TaskRunner({ tasks: failing, config });
    runner.start();
    await until(async () => (await repo.find(id))?.status === "failed");
    await runner.stop();
    expect(calls).toBe(5);
    expect(await repo.find(id)).toMatchObject({ error: "statement timeout", lease_owner: null });
  });
});
