import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";

import { openStore, type Store } from "../../src/store/database.js";
import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient, sendMessages } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const ENDPOINTS = 4;
const MESSAGES = 400;

/**
 * Two instances on one PostgreSQL expanding the same backlog (ADR 0022): their claims take
 * `FOR UPDATE SKIP LOCKED`, so each message is expanded by one of them, and the delivery table
 * holds every (message, endpoint) pair exactly once.
 */
describe.skipIf(!TEST_POSTGRES_URL)("fan-out by two instances on PostgreSQL", () => {
  let schema: PgSchema | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
      s.cleanup();
    }
    await schema?.drop();
  });

  it("writes every (message, endpoint) pair exactly once", async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    // The endpoints point at a closed port: attempts fail and are retried later; only the rows matter here.
    const env = { DATABASE_URL: schema.url, HOOKRELAY_FANOUT_BATCH_SIZE: "7", HOOKRELAY_METRICS: "true" };
    // The backlog is taken by an API-only instance: nothing expands it yet.
    const api = await startServer({ env: { ...env, HOOKRELAY_ROLE: "api" } });
    servers.push(api);
    const client = new ApiClient(api.url, api.token, 8);
    expect((await client.post("/api/v1/app", { name: "Two", uid: "two" })).status).toBe(201);
    for (let i = 0; i < ENDPOINTS; i++) {
      expect((await client.post("/api/v1/app/two/endpoint", { url: `http://127.0.0.1:9/${i}` })).status).toBe(201);
    }
    const sent = await sendMessages({
      app: "two",
      count: MESSAGES,
      concurrency: 8,
      pick: () => client,
    });
    await client.close();
    expect(sent.acked).toHaveLength(MESSAGES);

    const store: Store = await openStore({ dataDir: api.dataDir, databaseUrl: schema.url });
    try {
      const n = async (q: ReturnType<typeof sql<{ n: string | number }>>): Promise<number> =>
        Number((await q.execute(store.db)).rows[0]!.n);
      expect(await n(sql`SELECT COUNT(*) AS n FROM deliveries`)).toBe(0);
      const workers = await Promise.all([1, 2].map(() => startServer({ env: { ...env, HOOKRELAY_ROLE: "all" } })));
      servers.push(...workers);
      const deadline = Date.now() + 60_000;
      while ((await n(sql`SELECT COUNT(*) AS n FROM messages WHERE expanded_at IS NULL`)) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await n(sql`SELECT COUNT(*) AS n FROM messages WHERE expanded_at IS NULL`)).toBe(0);
      expect(await n(sql`SELECT COUNT(*) AS n FROM deliveries`)).toBe(MESSAGES * ENDPOINTS);
      expect(await n(sql`SELECT COUNT(DISTINCT msg_id || ' ' || endpoint_id) AS n FROM deliveries`)).toBe(MESSAGES * ENDPOINTS);
      const expandedBy = await Promise.all(
        workers.map(async (w) => {
          const text = await (await fetch(`${w.url}/metrics`)).text();
          return Number(/^hookrelay_messages_expanded_total (\d+)/m.exec(text)?.[1] ?? 0);
        }),
      );
      // Each message by exactly one instance.
      expect(expandedBy.reduce((a, b) => a + b, 0)).toBe(MESSAGES);
      console.log(`[fanout-instances] ${MESSAGES} messages × ${ENDPOINTS} endpoints; expanded by instance: ${expandedBy.join(" + ")}`);
    } finally {
      await store.close();
    }
  }, 180_000);
});
