import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { loadConfig } from "../config/config.js";
import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { generateKey, Keyring } from "../lib/keyring.js";
import { Wakeup } from "../lib/wakeup.js";
import { openStore, type Store } from "../store/database.js";
import { DeliveriesRepository } from "../store/deliveries-repository.js";
import { createPgSchema, TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { Seed } from "../test-support/store.js";
import { startTcpProxy } from "../test-support/tcp-proxy.js";
import { DeliveryWorker } from "./worker.js";

/**
 * The worker while PostgreSQL goes away and comes back (played by cutting a TCP relay in front
 * of it): the loop keeps running, backs off, resumes on its own, and the results of deliveries
 * that were in flight during the outage are written once the database is back — so nothing is
 * sent twice for want of a write.
 */
describe.skipIf(!TEST_POSTGRES_URL)("DeliveryWorker across a PostgreSQL outage", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it("keeps running, resumes by itself and records in-flight results once", async () => {
    const schema = await createPgSchema(TEST_POSTGRES_URL!);
    cleanups.push(() => schema.drop());
    const proxy = await startTcpProxy(TEST_POSTGRES_URL!);
    cleanups.push(() => proxy.close());
    const store: Store = await openStore({
      dataDir: "/nonexistent",
      databaseUrl: proxy.through(schema.url),
      pgPoolSize: 4,
    });
    cleanups.push(() => store.close());

    // Answers after 800 ms, so results come back while the database is cut off.
    const seen = new Map<string, number>();
    const server: Server = createServer((req, res) => {
      const id = String(req.headers["webhook-id"]);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      req.resume();
      setTimeout(() => res.end("ok"), 800);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    server.closeIdleConnections();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const seed = new Seed(store);
    const box = Keyring.of({ current: generateKey(), previous: [] });
    const app = await seed.app();
    const ep = await seed.endpoint(app, { url, secret: box.seal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") });
    const first: string[] = [];
    for (let i = 0; i < 20; i++) first.push((await seed.delivery(app, ep)).msgId);

    const config = loadConfig(
      {},
      {
        allowPrivateNetworks: "127.0.0.0/8",
        workerPollMs: 20,
        deliveryTimeoutMs: 5_000,
        leaseMarginMs: 5_000,
        retrySchedule: "1,1",
        logLevel: "silent",
      },
    );
    const worker = new DeliveryWorker({
      queue: new DeliveriesRepository(store, { endpointDisableAfterMs: config.endpointDisableAfterSeconds * 1000 }),
      sender: new DeliveryClient({ policy: createAddressPolicy(config.allowPrivateNetworks) }),
      config,
      wakeup: new Wakeup(),
      keyring: box,
    });
    worker.start();
    cleanups.push(() => worker.stop(0));

    const until = async (
      what: string,
      probe: () => boolean | Promise<boolean>,
      ms = 20_000,
    ): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until("the first sends", () => seen.size >= 10);

    // Outage: 2.5 s, with 10+ deliveries in flight whose results come back meanwhile.
    await proxy.cut();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(worker.counters.writeErrors).toBeGreaterThan(0);
    await proxy.restore();

    // New work after the outage is picked up without a restart.
    const second: string[] = [];
    await until("the store to answer again", async () => {
      try {
        second.push((await seed.delivery(app, ep)).msgId);
        return true;
      } catch {
        return false;
      }
    });
    for (let i = 0; i < 9; i++) second.push((await seed.delivery(app, ep)).msgId);

    const succeeded = async (): Promise<number> =>
      Number(
        (
          await store.db
            .selectFrom("deliveries")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("status", "=", 0)
            .executeTakeFirstOrThrow()
        ).n,
      );
    await until("every delivery to succeed", async () => (await succeeded()) === 30);

    // Each message was sent exactly once: the in-flight results were kept and written late,
    // not dropped and sent again when their leases ran out.
    expect(seen.size).toBe(30);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const attempts = await store.db.selectFrom("attempts").select("msg_id").execute();
    expect(attempts).toHaveLength(30);
    const counted = await store.db
      .selectFrom("stats_hourly")
      .select((eb) => eb.fn.sum<number>("success").as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(30);
    expect(worker.active).toBe(0);
  }, 60_000);
});
