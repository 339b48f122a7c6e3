import { Svix } from "svix";
import { afterEach, beforeEach, expect, it } from "vitest";

import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { openStore, type Store } from "../store/database.js";
import { DeliveriesRepository } from "../store/deliveries-repository.js";
import { DeliveryPolicyCache } from "../store/delivery-policies.js";
import { SharedThrottleSlots } from "../store/throttle-slots.js";
import {
  type ArrivalReceiver,
  busiestSecond,
  startArrivalReceiver,
} from "../test-support/arrival-receiver.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { LocalThrottleSlots } from "./local-throttle-slots.js";
import type { ThrottleSlots } from "./ports.js";
import { DeliveryWorker } from "./worker.js";

/**
 * Throttles that hold across instances: on PostgreSQL two workers, each on its own connection
 * pool (as two server processes would be), share one limit; on SQLite one process, one limit.
 * A burst of 60 deliveries to an endpoint with throttleRate 10, and 60 to an application with
 * throttleRate 10 (two endpoints), must never arrive faster than 10 a second (+1 where a
 * one-second window straddles two slots), and no delivery may burn an attempt by being held back.
 */
describeEachStore("throttles across workers (%s)", (kind) => {
  let t: TestApp;
  let svix: Svix;
  let receiver: ArrivalReceiver;
  const extraStores: Store[] = [];
  const workers: DeliveryWorker[] = [];

  beforeEach(async () => {
    t = await startTestApp(
      { allowPrivateNetworks: "127.0.0.0/8", workerPollMs: 50, workerBatchSize: 20 },
      kind,
    );
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    svix = new Svix(t.token, {
      serverUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`,
    });
    receiver = await startArrivalReceiver();
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop(0);
    for (const s of extraStores.splice(0)) await s.close();
    await receiver.close();
    await t.close();
  });

  function startWorker(store: Store, slots: ThrottleSlots): void {
    const w = new DeliveryWorker({
      queue: new DeliveriesRepository(store, { endpointDisableAfterMs: 86_400_000 }),
      sender: new DeliveryClient({ policy: createAddressPolicy(t.config.allowPrivateNetworks) }),
      config: t.config,
      wakeup: t.wakeup,
      keyring: t.keyring,
      slots,
      policies: new DeliveryPolicyCache(store.db),
    });
    w.start();
    workers.push(w);
  }

  it("holds endpoint and application throttles for a burst", { timeout: 30_000 }, async () => {
    // Set through the official SDK, which sends `throttleRate` (the API takes `rateLimit` too).
    const a = await svix.application.create({ name: "A" });
    await svix.endpoint.create(a.id, { url: `${receiver.url}/ep`, throttleRate: 10 });
    const b = await svix.application.create({ name: "B", throttleRate: 10 });
    await svix.endpoint.create(b.id, { url: `${receiver.url}/app1` });
    await svix.endpoint.create(b.id, { url: `${receiver.url}/app2` });
    expect((await svix.application.get(b.id)).throttleRate).toBe(10);

    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++)
      sends.push(svix.message.create(a.id, { eventType: "burst", payload: { i } }));
    for (let i = 0; i < 30; i++)
      sends.push(svix.message.create(b.id, { eventType: "burst", payload: { i } }));
    await Promise.all(sends);

    if (kind === "postgres") {
      const second = await openStore({
        databaseUrl: t.config.databaseUrl,
        dataDir: t.config.dataDir,
        keyring: t.keyring,
      });
      extraStores.push(second);
      startWorker(t.store, new SharedThrottleSlots(t.store.db));
      startWorker(second, new SharedThrottleSlots(second.db));
    } else {
      startWorker(t.store, new LocalThrottleSlots());
    }

    const deadline = Date.now() + 20_000;
    while (receiver.arrivals.length < 120 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const times = (paths: string[]) =>
      receiver.arrivals.filter((x) => paths.includes(x.path)).map((x) => x.at);
    const endpointTimes = times(["/ep"]);
    const appTimes = times(["/app1", "/app2"]);
    expect(endpointTimes).toHaveLength(60);
    expect(appTimes).toHaveLength(60);
    expect(busiestSecond(endpointTimes)).toBeLessThanOrEqual(11);
    expect(busiestSecond(appTimes)).toBeLessThanOrEqual(11);
    // Held back, not hurried: 60 at 10 a second take about 6 s, not one burst.
    expect(Math.max(...endpointTimes) - Math.min(...endpointTimes)).toBeGreaterThan(5_000);
    if (kind === "postgres") {
      // Both workers sent: the limit is shared, not one worker doing everything.
      expect(workers.every((w) => w.counters.sent > 0)).toBe(true);
    }
    // The receiver has everything; the last results may still be on their way to the database.
    const rows = () => t.store.db.selectFrom("deliveries").select(["attempt_count", "status"]).execute();
    let attempts = await rows();
    while (attempts.some((d) => d.status !== 0) && Date.now() < deadline + 5_000) {
      await new Promise((r) => setTimeout(r, 50));
      attempts = await rows();
    }
    expect(attempts).toHaveLength(120);
    // Handed back by the throttle never counts as an attempt.
    expect(attempts.every((d) => d.attempt_count === 1 && d.status === 0)).toBe(true);
    expect(workers.reduce((n, w) => n + w.counters.released, 0)).toBeGreaterThan(0);
  });
});
