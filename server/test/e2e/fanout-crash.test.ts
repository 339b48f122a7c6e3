import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";

import { openStore, type Store } from "../../src/store/database.js";
import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient, sendMessages } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { startTrackingReceiver } from "../support/tracking-receiver.js";

const PATHS = ["/a", "/b", "/c"];

/**
 * Fan-out in the worker (ADR 0022), through SIGKILLs of the real server. An API-only process
 * takes messages and is killed under load (during ingest); a worker is then killed while it is
 * expanding that backlog, a couple of messages per transaction (during expansion); a third
 * process finishes. Every message answered 202 must reach every endpoint, and the delivery
 * table must hold each (message, endpoint) pair once: nothing expanded twice.
 */
describeEachStore("fan-out crash safety on %s (SIGKILL during ingest and during expansion)", (kind) => {
  const servers: ServerProcess[] = [];
  let schema: PgSchema | undefined;
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
    servers[0]?.cleanup();
    await schema?.drop();
  });

  it("delivers every acknowledged message to every endpoint, each pair expanded once", async () => {
    schema = kind === "postgres" ? await createPgSchema(TEST_POSTGRES_URL!) : undefined;
    const receiver = await startTrackingReceiver({ delayMs: () => 0 });
    const base = {
      HOOKRELAY_DELIVERY_TIMEOUT_MS: "2000",
      HOOKRELAY_LEASE_MARGIN_MS: "500",
      HOOKRELAY_RETRY_SCHEDULE: "1,1,1,1,1",
      // Small rounds: the expansion of the backlog takes many transactions, so the kill lands inside it.
      HOOKRELAY_FANOUT_BATCH_SIZE: "2",
      ...(schema ? { DATABASE_URL: schema.url } : {}),
    };
    const launch = async (role: "api" | "all"): Promise<ServerProcess> => {
      const server = await startServer({ env: { ...base, HOOKRELAY_ROLE: role }, dataDir: servers[0]?.dataDir });
      servers.push(server);
      return server;
    };

    // 1. Ingest, no worker: killed while requests are in flight.
    const api = await launch("api");
    const client = new ApiClient(api.url, api.token, 8);
    expect((await client.post("/api/v1/app", { name: "Fanout", uid: "fanout" })).status).toBe(201);
    for (const path of PATHS) {
      expect((await client.post("/api/v1/app/fanout/endpoint", { url: receiver.url + path })).status).toBe(201);
    }
    let stop = false;
    const load = sendMessages({ app: "fanout", stop: () => stop, concurrency: 8, pick: () => client });
    await new Promise((r) => setTimeout(r, 1_500));
    await api.kill();
    stop = true;
    const sent = await load;
    await client.close();
    expect(sent.acked.length).toBeGreaterThan(30);

    const store: Store = await openStore({ dataDir: api.dataDir, databaseUrl: schema?.url });
    try {
      const count = async (where: "all" | "expanded"): Promise<number> => {
        const q = sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM messages ${where === "expanded" ? sql`WHERE expanded_at IS NOT NULL` : sql``}`;
        return Number((await q.execute(store.db)).rows[0]!.n);
      };
      const total = await count("all");
      expect(total).toBeGreaterThanOrEqual(sent.acked.length);
      expect(await count("expanded")).toBe(0);

      // 2. A worker expands the backlog and is killed part-way.
      const worker = await launch("all");
      let expanded = 0;
      const deadline = Date.now() + 30_000;
      while ((expanded = await count("expanded")) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await worker.kill();
      const atKill = await count("expanded");
      expect(atKill).toBeGreaterThan(0);

      // 3. Another finishes: the killed worker's batch comes back when its lease runs out.
      const last = await launch("all");
      const missing = (): string[] =>
        sent.acked.flatMap((id) => PATHS.filter((p) => !receiver.has(id, p)).map((p) => id + p));
      const until = Date.now() + 60_000;
      while (missing().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      expect(missing()).toEqual([]);
      expect(await count("expanded")).toBe(total);
      const twice = await sql<{ n: string | number }>`
        SELECT COUNT(*) AS n FROM (SELECT msg_id, endpoint_id FROM deliveries GROUP BY msg_id, endpoint_id HAVING COUNT(*) > 1) d`.execute(store.db);
      expect(Number(twice.rows[0]!.n)).toBe(0);
      const rows = await sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM deliveries`.execute(store.db);
      expect(Number(rows.rows[0]!.n)).toBe(total * PATHS.length);
      console.log(
        `[fanout-crash ${kind}] ${sent.acked.length} acknowledged (${total} committed), ${expanded}…${atKill} of them ` +
          `expanded at the kill; ${receiver.total()} deliveries received, ${receiver.duplicates()} repeats`,
      );
      await last.stop();
    } finally {
      await store.close();
      await receiver.close();
    }
  }, 180_000);
});
