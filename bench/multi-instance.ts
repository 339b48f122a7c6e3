import { Client } from "pg";

import type { PgSchema } from "../server/src/test-support/postgres.js";
import { ApiClient, sendMessages } from "../server/test/support/load.js";
import { type ServerProcess, startServer } from "../server/test/support/server-process.js";
import { startTrackingReceiver } from "../server/test/support/tracking-receiver.js";

const ENDPOINTS = 5;

/**
 * PostgreSQL only: the two-instance delivery run at load (20,000 messages × 5 endpoints by
 * default), moved here from the test suite, whose own copy is small and asserts exactly. Two
 * complete instances (API + worker) on one schema, fed through both APIs at once; reports the
 * ingest and delivery rates and how many pairs arrived twice (sequential repeats are allowed by
 * at-least-once delivery; concurrent ones would be a bug), rather than failing on them.
 *
 * @example Object.assign(results, await multiInstancePhase(schema, 20_000));
 */
export async function multiInstancePhase(schema: PgSchema, messages: number): Promise<Record<string, number | string>> {
  const receiver = await startTrackingReceiver({ delayMs: () => Math.random() * 10 });
  const servers: ServerProcess[] = [];
  const clients: ApiClient[] = [];
  try {
    const env = { DATABASE_URL: schema.url, HOOKRELAY_WORKER_POLL_MS: "250", HOOKRELAY_LOG_LEVEL: "warn" };
    servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
    const [a, b] = servers.map((s) => new ApiClient(s.url, s.token, 16));
    clients.push(a!, b!);
    await a!.post("/api/v1/app", { name: "Multi", uid: "multi" });
    const paths = Array.from({ length: ENDPOINTS }, (_, i) => `/e${i}`);
    for (const path of paths) await a!.post("/api/v1/app/multi/endpoint", { url: receiver.url + path });

    const started = performance.now();
    const sent = await sendMessages({ app: "multi", count: messages, concurrency: 32, pick: (n) => (n % 2 === 0 ? a! : b!) });
    const ingestSeconds = (performance.now() - started) / 1000;
    const expected = sent.acked.length * ENDPOINTS;
    await receiver.waitForDistinct(expected, 300_000);
    const deliveredSeconds = (performance.now() - started) / 1000;
    const missing = sent.acked.reduce((n, id) => n + paths.filter((p) => !receiver.has(id, p)).length, 0);
    const db = new Client({ connectionString: schema.url });
    await db.connect();
    const { rows } = await db.query<{ n: string }>("select count(*) as n from deliveries where status <> 0");
    await db.end();
    return {
      multiMessages: messages,
      multiIngestRps: Math.round(sent.acked.length / ingestSeconds),
      multiDeliveryRps: Math.round(expected / deliveredSeconds),
      multiMissing: missing,
      multiUnfinished: Number(rows[0]?.n ?? 0),
      multiDuplicates: receiver.duplicates(),
      multiOverlaps: receiver.overlaps.length,
    };
  } finally {
    for (const c of clients) await c.close();
    for (const s of servers) {
      if (s.child.exitCode === null) await s.stop();
      s.cleanup();
    }
    await receiver.close();
  }
}
