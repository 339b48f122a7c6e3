import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";

import { afterEach, expect, it } from "vitest";

import { type ConfigInput, loadConfig } from "../config/config.js";
import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { Keyring } from "../lib/keyring.js";
import { Wakeup } from "../lib/wakeup.js";
import { type CircuitChange, circuitPolicy, DeliveriesRepository } from "../store/deliveries-repository.js";
import { CircuitState, DeliveryStatus } from "../store/schema.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { DeliveryWorker } from "./worker.js";

const cleanups: (() => Promise<unknown>)[] = [];

/** Accepts connections and never answers: an endpoint that hangs until the delivery timeout. */
async function hangingEndpoint(): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`, connections: () => connections };
}

/** A loopback receiver answering `status()` after `delayMs`; records when each request arrived. */
async function receiver(status: () => number, delayMs = 0): Promise<{ url: string; arrivals: { at: number; msgId: string }[] }> {
  const arrivals: { at: number; msgId: string }[] = [];
  const server = createHttpServer((req, res) => {
    arrivals.push({ at: Date.now(), msgId: String(req.headers["webhook-id"]) });
    req.resume();
    setTimeout(() => res.writeHead(status()).end(), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.closeIdleConnections();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ok`, arrivals };
}

describeEachStore("Endpoint isolation and circuit breaker, end to end in the worker, on %s", (kind) => {
  const t = storePerTest(kind);
  // Registered after the store's: runs before it is closed (after-hooks run as a stack).
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const keyring = Keyring.of({ current: "isolation-test-secret-key-0123456789", previous: [] });

  function startWorker(overrides: ConfigInput, onCircuitChange?: (change: CircuitChange) => void): DeliveryWorker {
    const config = loadConfig(
      {},
      { allowPrivateNetworks: "127.0.0.0/8", workerPollMs: 20, slowDownMinSeconds: 0, retryJitter: 0, ...overrides },
    );
    const worker = new DeliveryWorker({
      queue: new DeliveriesRepository(t.store, {
        endpointDisableAfterMs: config.endpointDisableAfterSeconds * 1000,
        circuit: circuitPolicy(config),
      }),
      sender: new DeliveryClient({ policy: createAddressPolicy(config.allowPrivateNetworks) }),
      config,
      wakeup: new Wakeup(),
      keyring,
      ...(onCircuitChange ? { onCircuitChange } : {}),
    });
    worker.start();
    cleanups.push(() => worker.stop(0));
    return worker;
  }

  it("a hanging endpoint holds only its cap of the worker: the healthy endpoint of another application is not held up", async () => {
    const hang = await hangingEndpoint();
    const healthy = await receiver(() => 200);
    const hangingApp = await t.seed.app();
    const hangingEp = await t.seed.endpoint(hangingApp, { url: hang.url });
    const healthyApp = await t.seed.app();
    const healthyEp = await t.seed.endpoint(healthyApp, { url: healthy.url });
    // Same shape as the bench (600 + 200 at 256 slots), scaled down: 3× the slots hang.
    for (let i = 0; i < 48; i++) await t.seed.delivery(hangingApp, hangingEp);

    const worker = startWorker({ workerConcurrency: 16, endpointMaxInFlight: 4, deliveryTimeoutMs: 15_000 });
    await expect.poll(() => hang.connections(), { timeout: 5_000 }).toBe(4);

    const sent = new Map<string, number>();
    for (let i = 0; i < 12; i++) {
      const { msgId } = await t.seed.delivery(healthyApp, healthyEp);
      sent.set(msgId, Date.now());
    }
    await expect.poll(() => healthy.arrivals.length, { timeout: 5_000 }).toBe(12);
    for (const arrival of healthy.arrivals) expect(arrival.at - sent.get(arrival.msgId)!).toBeLessThan(2_000);
    // Still no more than the cap hanging, though 44 more are due.
    expect(hang.connections()).toBe(4);
    // The healthy deliveries count as active until their results are written, which a loaded
    // machine may not have done yet when the last one arrives.
    await expect.poll(() => worker.active, { timeout: 5_000 }).toBe(4);
    expect(hang.connections()).toBe(4);
  });

  it("a capped endpoint's backlog flows at the cap, not one cap per poll interval", async () => {
    const fast = await receiver(() => 200);
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app, { url: fast.url, max_in_flight: 2 });
    for (let i = 0; i < 30; i++) await t.seed.delivery(app, ep);
    const started = Date.now();
    // A poll interval this long would take 15 rounds × 5 s if a capped claim waited for it.
    startWorker({ workerPollMs: 5_000 });
    await expect.poll(() => fast.arrivals.length, { timeout: 8_000 }).toBe(30);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("a failing then recovering receiver drives closed → open → half-open → closed, one probe per cool-down and no attempts while open", async () => {
    let answer = 500;
    const flaky = await receiver(() => answer, 100);
    const app = await t.seed.app();
    // One at a time, so each result is written before the next attempt can be leased.
    const ep = await t.seed.endpoint(app, { url: flaky.url, max_in_flight: 1 });
    for (let i = 0; i < 6; i++) await t.seed.delivery(app, ep);

    const changes: CircuitChange[] = [];
    const states = new Set<number>();
    const watch = setInterval(() => {
      void t.store.db
        .selectFrom("endpoints")
        .select("circuit_state")
        .where("id", "=", ep)
        .executeTakeFirst()
        .then((row) => row && states.add(row.circuit_state), () => undefined);
    }, 10);
    cleanups.push(async () => clearInterval(watch));

    startWorker(
      {
        retrySchedule: "1,1,1,1,1,1,1,1",
        circuitFailureThreshold: 3,
        circuitFailureRatePercent: 0,
        circuitCooldownSeconds: 0.4,
        circuitMaxCooldownSeconds: 0.8,
      },
      (change) => {
        changes.push(change);
        // After two failed probes, the receiver recovers.
        if (changes.length === 3) answer = 200;
      },
    );
    await expect
      .poll(
        async () =>
          (await t.store.db.selectFrom("deliveries").select("status").where("endpoint_id", "=", ep).execute()).every(
            (d) => d.status === DeliveryStatus.success,
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    clearInterval(watch);

    expect(changes.map((c) => c.state)).toEqual(["open", "open", "open", "closed"]);
    expect(changes.map((c) => c.consecutiveFailures)).toEqual([3, 4, 5, 0]);
    for (const c of changes) expect(c).toMatchObject({ endpointId: ep, appId: app });
    // The cool-down doubles, capped at 0.8 s.
    const cooldowns = changes.slice(0, 3).map((c) => c.nextProbeAt! - c.at);
    expect(cooldowns).toEqual([400, 800, 800]);
    expect(states).toEqual(new Set([CircuitState.closed, CircuitState.open, CircuitState.halfOpen]));

    const attempts = await t.store.db
      .selectFrom("attempts")
      .select(["created_at", "response_status_code"])
      .where("endpoint_id", "=", ep)
      .orderBy("created_at")
      .execute();
    // 3 failures open it; each open period ends with exactly one attempt, its probe, sent no
    // earlier than the probe time (its result is recorded one receiver delay later).
    for (let i = 0; i < 3; i++) {
      const open = changes[i]!;
      const next = changes[i + 1]!;
      const during = attempts.filter((a) => a.created_at > open.at && a.created_at <= next.at);
      expect(during).toHaveLength(1);
      expect(during[0]!.created_at).toBeGreaterThanOrEqual(open.nextProbeAt! + 100);
    }
    expect(attempts.filter((a) => a.response_status_code === 500)).toHaveLength(5);
    // Every delivery arrived once it closed; none was burnt while the circuit was open.
    expect(attempts.filter((a) => a.response_status_code === 200)).toHaveLength(6);
    expect(flaky.arrivals).toHaveLength(attempts.length);
  });
});
