import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient, sendMessages } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { startTrackingReceiver, type TrackingReceiver } from "../support/tracking-receiver.js";

/**
 * Messages in the two-instance proof; HOOKRELAY_E2E_MESSAGES overrides. Small enough that exact
 * assertions hold (every pair once); the 20,000-message run at load is in `npm run bench -- --store postgres`.
 */
const MESSAGES = Number(process.env.HOOKRELAY_E2E_MESSAGES ?? 2_000);
const ENDPOINTS = 5;

/**
 * Two complete instances (API + worker) on one PostgreSQL schema, fed through both APIs at
 * once: every (message, endpoint) pair arrives exactly once — no pair is ever sent by both
 * instances (the claim's FOR UPDATE SKIP LOCKED and the leases), and none is repeated (leases
 * are far longer than any attempt here, so nothing is re-claimed). The two instances start together on the fresh schema, so both run the migrations.
 */
describe.skipIf(!TEST_POSTGRES_URL)("two instances on one PostgreSQL", () => {
  let schema: PgSchema;
  let receiver: TrackingReceiver;
  const servers: ServerProcess[] = [];
  const clients: ApiClient[] = [];

  beforeAll(async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    receiver = await startTrackingReceiver({ delayMs: () => Math.random() * 10 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const s of servers) {
      if (s.child.exitCode === null) await s.stop();
      s.cleanup();
    }
    await receiver?.close();
    await schema?.drop();
  });

  async function countRows(query: string): Promise<number> {
    const db = new Client({ connectionString: schema.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(query);
      return Number(rows[0]?.n ?? 0);
    } finally {
      await db.end();
    }
  }

  it(`delivers ${MESSAGES} messages × ${ENDPOINTS} endpoints through two instances, every pair exactly once`, async () => {
    const env = { DATABASE_URL: schema.url, HOOKRELAY_WORKER_POLL_MS: "250" };
    servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
    const [a, b] = servers.map((s) => new ApiClient(s.url, s.token, 16));
    clients.push(a!, b!);

    expect((await a!.post("/api/v1/app", { name: "Multi", uid: "multi" })).status).toBe(201);
    const paths = Array.from({ length: ENDPOINTS }, (_, i) => `/e${i}`);
    for (const path of paths) {
      expect((await a!.post("/api/v1/app/multi/endpoint", { url: receiver.url + path })).status).toBe(201);
    }

    const started = performance.now();
    const sent = await sendMessages({
      app: "multi",
      count: MESSAGES,
      concurrency: 32,
      pick: (n) => (n % 2 === 0 ? a : b),
    });
    expect(sent.errors).toBe(0);
    expect(Object.fromEntries(sent.statuses)).toEqual({ 202: MESSAGES });
    const ingestSeconds = (performance.now() - started) / 1000;

    const expected = MESSAGES * ENDPOINTS;
    await receiver.waitForDistinct(expected, 240_000);
    const deliveredSeconds = (performance.now() - started) / 1000;
    // Nothing left to send, and what was still being written when the last request arrived is in.
    const deadline = Date.now() + 30_000;
    while (
      (await countRows("select count(*) as n from deliveries where status <> 0")) > 0 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }

    const missing = sent.acked.flatMap((id) =>
      paths.filter((p) => !receiver.has(id, p)).map((p) => `${id}${p}`),
    );
    expect(missing).toEqual([]);
    expect(receiver.overlaps).toEqual([]);
    expect(receiver.duplicates()).toBe(0);
    expect(await countRows("select count(*) as n from deliveries")).toBe(expected);
    expect(await countRows("select count(*) as n from deliveries where status <> 0")).toBe(0);
    // The hourly counters were written in the attempts' transactions: they agree exactly.
    const attempts = await countRows("select count(*) as n from attempts where status = 0");
    expect(attempts).toBe(expected);
    expect(await countRows("select coalesce(sum(success), 0) as n from stats_hourly")).toBe(attempts);

    console.log(
      `[multi-instance] ${MESSAGES} messages in ${ingestSeconds.toFixed(1)} s ` +
        `(${Math.round(MESSAGES / ingestSeconds)} msg/s over both APIs); ` +
        `${expected} deliveries done ${deliveredSeconds.toFixed(1)} s after the first send ` +
        `(${Math.round(expected / deliveredSeconds)} deliveries/s); ` +
        `sequential duplicates ${receiver.duplicates()}, concurrent ${receiver.overlaps.length}`,
    );
  }, 300_000);

  it("an API instance's message wakes a worker instance at once, not at its next poll", async () => {
    // Its own schema, so no instance of the test above can deliver by polling. The worker
    // polls every 15 s: only the NOTIFY from the API process can make it quick.
    const own = await createPgSchema(TEST_POSTGRES_URL!);
    try {
      const env = { DATABASE_URL: own.url, HOOKRELAY_WORKER_POLL_MS: "15000" };
      const [api, worker] = await Promise.all([
        startServer({ env: { ...env, HOOKRELAY_ROLE: "api" } }),
        startServer({ env: { ...env, HOOKRELAY_ROLE: "worker" } }),
      ]);
      servers.push(api, worker);
      const client = new ApiClient(api.url, api.token, 2);
      clients.push(client);
      expect((await client.post("/api/v1/app", { name: "Wake", uid: "wake" })).status).toBe(201);
      expect((await client.post("/api/v1/app/wake/endpoint", { url: receiver.url + "/wake" })).status).toBe(
        201,
      );
      // Let the worker's first claim and its connect wake-up pass, so it is idle in its long poll.
      await new Promise((r) => setTimeout(r, 1_500));
      await wakeUps(client);
      await api.stop();
      await worker.stop();
    } finally {
      await own.drop();
    }
  }, 60_000);

  async function wakeUps(client: ApiClient): Promise<void> {
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sentAt = performance.now();
      const r = await client.post<{ id: string }>("/api/v1/app/wake/msg", {
        eventType: "wake.test",
        payload: { i },
      });
      expect(r.status).toBe(202);
      const deadline = Date.now() + 10_000;
      while (!receiver.has(r.body.id, "/wake") && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 5));
      expect(receiver.has(r.body.id, "/wake")).toBe(true);
      latencies.push(performance.now() - sentAt);
      await new Promise((res) => setTimeout(res, 300));
    }
    console.log(
      `[multi-instance] API → other-process worker wake-up: ${latencies.map((ms) => ms.toFixed(0)).join(", ")} ms`,
    );
    expect(Math.max(...latencies)).toBeLessThan(2_000);
  }
});
