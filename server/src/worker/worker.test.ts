import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type Config, type ConfigInput, loadConfig } from "../config/config.js";
import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { newId } from "../lib/ids.js";
import { Keyring } from "../lib/keyring.js";
import { generateSecret } from "../lib/standard-webhooks.js";
import { Wakeup } from "../lib/wakeup.js";
import { openStore, type Store } from "../store/database.js";
import { DeliveriesRepository } from "../store/deliveries-repository.js";
import type { DeliveryRow, EndpointRow, MessageRow } from "../store/schema.js";
import { DeliveryWorker } from "./worker.js";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

type Reply = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

/** A real loopback receiver; `reply` decides each response and can be swapped mid-test. */
async function receiver(initial: Reply) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const state = { reply: initial, received, url: "" };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = {
        path: req.url ?? "",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(r);
      state.reply(req, res, r);
    });
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return state;
}

const cleanups: (() => Promise<void>)[] = [];
const ok: Reply = (_req, res) => res.end("ok");

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("DeliveryWorker", () => {
  let store: Store;
  let dataDir: string;
  let wakeup: Wakeup;
  const box = Keyring.of({ current: "worker-test-secret-key-0123456789", previous: [] });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-worker-"));
    store = await openStore({ dataDir });
    wakeup = new Wakeup();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function config(overrides: ConfigInput = {}): Config {
    return loadConfig(
      {},
      {
        retrySchedule: "1,1",
        allowPrivateNetworks: "127.0.0.0/8",
        workerPollMs: 20,
        slowDownMinSeconds: 0,
        ...overrides,
      },
    );
  }

  function worker(overrides: ConfigInput = {}, owner?: string): DeliveryWorker {
    const c = config(overrides);
    const w = new DeliveryWorker({
      queue: new DeliveriesRepository(store, { endpointDisableAfterMs: c.endpointDisableAfterSeconds * 1000 }),
      sender: new DeliveryClient({ policy: createAddressPolicy(c.allowPrivateNetworks) }),
      config: c,
      wakeup,
      keyring: box,
      ...(owner ? { owner } : {}),
    });
    cleanups.push(() => w.stop(0));
    return w;
  }

  /** An application with one endpoint; the secret is stored sealed, as the API stores it. */
  async function endpoint(url: string, values: Partial<EndpointRow> = {}) {
    const now = Date.now();
    const appId = newId("app");
    await store.db
      .insertInto("applications")
      .values({
        id: appId,
        uid: null,
        name: "App",
        metadata: "{}",
        throttle_rate: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const secret = generateSecret();
    const id = newId("ep");
    await store.db
      .insertInto("endpoints")
      .values({
        id,
        app_id: appId,
        uid: null,
        url,
        description: "",
        disabled: 0,
        event_types: null,
        channels: null,
        metadata: "{}",
        throttle_rate: null,
        secret: box.seal(secret),
        old_secrets: "[]",
        headers: JSON.stringify({ "x-tenant": "acme" }),
        first_failure_at: null,
        created_at: now,
        updated_at: now,
        ...values,
      })
      .execute();
    return { appId, id, secret };
  }

  async function deliver(
    ep: { appId: string; id: string },
    values: { message?: Partial<MessageRow>; delivery?: Partial<DeliveryRow> } = {},
  ): Promise<{ id: string; msgId: string }> {
    const now = Date.now();
    const msgId = newId("msg");
    await store.db
      .insertInto("messages")
      .values({
        id: msgId,
        app_id: ep.appId,
        event_type: "invoice.paid",
        event_id: null,
        payload: JSON.stringify({ type: "invoice.paid", n: 1 }),
        channels: null,
        tags: null,
        deliver_at: null,
        created_at: now,
        expires_at: now + 86_400_000,
        // Seeded with its delivery: already expanded (ADR 0022).
        expanded_at: now,
        ...values.message,
      })
      .execute();
    const id = newId("dlv");
    await store.db
      .insertInto("deliveries")
      .values({
        id,
        msg_id: msgId,
        app_id: ep.appId,
        endpoint_id: ep.id,
        status: 1,
        attempt_count: 0,
        due_at: now,
        lease_owner: null,
        last_attempt_at: null,
        last_status_code: null,
        next_trigger: 0,
        created_at: now,
        updated_at: now,
        ...values.delivery,
      })
      .execute();
    wakeup.notify();
    return { id, msgId };
  }

  const row = (id: string) =>
    store.db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const endpointRow = (id: string) =>
    store.db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const attempts = (id: string) =>
    store.db
      .selectFrom("attempts")
      .selectAll()
      .where("delivery_id", "=", id)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  const settled = (id: string, status: number) =>
    waitFor(async () => ((await row(id)).status === status ? row(id) : undefined));

  it("delivers a signed message and records the attempt", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(`${r.url}/hook`);
    const w = worker();
    w.start();
    const d = await deliver(ep);
    const done = await settled(d.id, 0);

    expect(done).toMatchObject({ attempt_count: 1, due_at: null, lease_owner: null, last_status_code: 200 });
    const [req, ...more] = r.received;
    expect(more).toEqual([]);
    expect(req!.path).toBe("/hook");
    expect(req!.headers["webhook-id"]).toBe(d.msgId);
    expect(req!.headers["svix-id"]).toBe(d.msgId);
    expect(req!.headers["x-tenant"]).toBe("acme");
    expect(new Webhook(ep.secret).verify(req!.body, req!.headers)).toEqual({ type: "invoice.paid", n: 1 });
    const [attempt] = await attempts(d.id);
    expect(attempt).toMatchObject({
      status: 0,
      response_status_code: 200,
      response: "ok",
      trigger_type: 0,
      url: `${r.url}/hook`,
    });
    await waitFor(async () => w.counters.succeeded === 1);
    expect(w.counters).toMatchObject({ claimed: 1, sent: 1, succeeded: 1, failed: 0 });
  });

  it("retries a failed delivery on schedule until it succeeds", async () => {
    let calls = 0;
    const r = await receiver((_req, res) => (++calls === 1 ? res.writeHead(500).end("down") : res.end("up")));
    const ep = await endpoint(r.url);
    worker().start();
    const d = await deliver(ep);

    const retrying = await settled(d.id, 1).then(() =>
      waitFor(async () => ((await row(d.id)).attempt_count === 1 ? row(d.id) : undefined)),
    );
    expect(retrying.last_status_code).toBe(500);
    // Retry schedule "1" second, ±20 % jitter.
    expect(retrying.due_at! - retrying.last_attempt_at!).toBeGreaterThanOrEqual(800);
    expect(retrying.due_at! - retrying.last_attempt_at!).toBeLessThanOrEqual(1_200);
    expect((await endpointRow(ep.id)).first_failure_at).not.toBeNull();

    const done = await settled(d.id, 0);
    expect(done.attempt_count).toBe(2);
    expect((await attempts(d.id)).map((a) => [a.status, a.response_status_code, a.response])).toEqual([
      [2, 500, "down"],
      [0, 200, "up"],
    ]);
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(790);
    expect((await endpointRow(ep.id)).first_failure_at).toBeNull();
  });

  it("gives up once the schedule is exhausted", async () => {
    const r = await receiver((_req, res) => res.writeHead(503).end());
    const ep = await endpoint(r.url);
    worker().start();
    const d = await deliver(ep);
    const failed = await settled(d.id, 2);
    expect(failed).toMatchObject({
      attempt_count: 3,
      due_at: null,
      last_status_code: 503,
      lease_owner: null,
    });
    expect(r.received).toHaveLength(3);
    expect(await attempts(d.id)).toHaveLength(3);
    expect((await endpointRow(ep.id)).disabled).toBe(0);
  });

  it("disables the endpoint on 410 and then fails its deliveries without sending", async () => {
    const r = await receiver((_req, res) => res.writeHead(410).end());
    const ep = await endpoint(r.url);
    const w = worker();
    w.start();
    const d = await deliver(ep);
    expect(await settled(d.id, 2)).toMatchObject({ attempt_count: 1, last_status_code: 410 });
    expect((await endpointRow(ep.id)).disabled).toBe(1);

    const next = await deliver(ep);
    expect(await settled(next.id, 2)).toMatchObject({ attempt_count: 0, last_status_code: null });
    expect(r.received).toHaveLength(1);
    expect(await attempts(next.id)).toEqual([]);
  });

  it("re-claims a delivery whose worker crashed once its lease expires", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(r.url);
    const d = await deliver(ep);
    const repo = new DeliveriesRepository(store, { endpointDisableAfterMs: 86_400_000 });
    // A worker that claims and then dies: the row stays "sending" until the lease runs out. The
    // lease is long, so no amount of machine load can expire it by accident during the check.
    const [crashed] = await repo.claim({ owner: "crashed", now: Date.now(), leaseMs: 600_000, limit: 10 });
    expect(crashed!.delivery.id).toBe(d.id);

    const w = worker({}, "survivor");
    w.start();
    await waitFor(async () => w.counters.claimRounds >= 3);
    expect(r.received).toHaveLength(0); // still leased by the crashed worker
    // The lease runs out (moved into the past rather than waited for).
    await store.db.updateTable("deliveries").set({ due_at: Date.now() - 1 }).where("id", "=", d.id).execute();
    wakeup.notify();
    const done = await settled(d.id, 0);
    expect(done.lease_owner).toBeNull();
    expect(r.received).toHaveLength(1);

    // The crashed worker coming back late cannot overwrite the outcome.
    await repo.recordResults([
      { deliveryId: d.id, endpointId: ep.id, owner: "crashed", next: "fail", at: Date.now() },
    ]);
    expect((await row(d.id)).status).toBe(0);
  });

  it("stop() releases deliveries still in flight and closes promptly", async () => {
    const r = await receiver(() => undefined); // never answers
    const ep = await endpoint(r.url);
    const w = worker();
    w.start();
    const d = await deliver(ep);
    await waitFor(async () => r.received.length === 1);
    expect((await row(d.id)).status).toBe(3);

    const started = Date.now();
    await w.stop(100);
    expect(Date.now() - started).toBeLessThan(2_000);
    const released = await row(d.id);
    expect(released).toMatchObject({ status: 1, lease_owner: null, attempt_count: 0 });
    expect(released.due_at!).toBeLessThanOrEqual(Date.now());
    expect(await attempts(d.id)).toEqual([]);
  });

  it("stop() waits for sends that finish within the grace period and records them", async () => {
    const r = await receiver((_req, res) => setTimeout(() => res.end("slow ok"), 200));
    const ep = await endpoint(r.url);
    const w = worker();
    w.start();
    const d = await deliver(ep);
    await waitFor(async () => r.received.length === 1);
    await w.stop(5_000);
    expect(await row(d.id)).toMatchObject({ status: 0, attempt_count: 1 });
  });

  it("signs with old secrets still in their grace period, not with expired ones", async () => {
    const r = await receiver(ok);
    const [live, expired] = [generateSecret(), generateSecret()];
    const now = Date.now();
    const ep = await endpoint(r.url, {
      old_secrets: JSON.stringify([
        { key: box.seal(live), expiresAt: now + 3_600_000 },
        { key: box.seal(expired), expiresAt: now - 1 },
      ]),
    });
    worker().start();
    const d = await deliver(ep);
    await settled(d.id, 0);
    const req = r.received[0]!;
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(ep.secret).verify(req.body, req.headers)).not.toThrow();
    expect(() => new Webhook(live).verify(req.body, req.headers)).not.toThrow();
    expect(() => new Webhook(expired).verify(req.body, req.headers)).toThrow();
  });

  it("sends {} for an expunged payload", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(r.url);
    worker().start();
    const d = await deliver(ep, { message: { payload: null } });
    await settled(d.id, 0);
    expect(r.received[0]!.body).toBe("{}");
  });

  it("makes a manual attempt a single shot", async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end());
    const ep = await endpoint(r.url);
    worker().start();
    const d = await deliver(ep, { delivery: { next_trigger: 1, attempt_count: 8, status: 1 } });
    expect(await settled(d.id, 2)).toMatchObject({ attempt_count: 9, next_trigger: 0 });
    const [attempt] = await attempts(d.id);
    expect(attempt!.trigger_type).toBe(1);
    expect(r.received).toHaveLength(1);
  });

  it("refuses private addresses unless they are allowed", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(r.url);
    worker({ allowPrivateNetworks: "" }).start();
    const d = await deliver(ep);
    await waitFor(async () => ((await row(d.id)).attempt_count === 1 ? true : undefined));
    const [attempt] = await attempts(d.id);
    expect(attempt).toMatchObject({ status: 2, response_status_code: 0 });
    expect(attempt!.response).toMatch(/loopback/);
    expect(r.received).toHaveLength(0);
  });

  it("keeps an endpoint under its throttle rate", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(r.url, { throttle_rate: 4 });
    const w = worker();
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await deliver(ep)).id);
    w.start();
    for (const id of ids) await settled(id, 0);
    const times = r.received.map((x) => x.at).sort((a, b) => a - b);
    // One every 250 ms, no burst: the last of 10 at ≈ 2.25 s, never more than 4 (+1) in a second.
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(2_000);
    for (const t of times) expect(times.filter((u) => u >= t && u - t < 1_000).length).toBeLessThanOrEqual(5);
    expect(w.counters.released).toBeGreaterThan(0);
    for (const id of ids) expect((await row(id)).attempt_count).toBe(1);
  });

  it("delivers a batch larger than its concurrency, writing results in batches", async () => {
    const r = await receiver(ok);
    const ep = await endpoint(r.url);
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await deliver(ep)).id);
    const w = worker({ workerConcurrency: 32, workerBatchSize: 50 });
    w.start();
    await waitFor(async () => {
      const n = await store.db
        .selectFrom("deliveries")
        .select(({ fn }) => fn.countAll<number>().as("n"))
        .where("status", "=", 0)
        .executeTakeFirstOrThrow();
      return Number(n.n) === 300;
    });
    expect(new Set(r.received.map((x) => x.headers["webhook-id"])).size).toBe(300);
    expect(w.counters).toMatchObject({ claimed: 300, sent: 300, succeeded: 300 });
  });
});
