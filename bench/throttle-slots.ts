/**
 * What a shared throttle costs a claim round on PostgreSQL: the latency of one slot reservation
 * (`SharedThrottleSlots.reserve`, one upsert per throttled key and batch), alone and with 4
 * workers reserving at once, on the same key (they queue on its row lock) and on different keys.
 *
 *   TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/throttle-slots.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { percentile } from "../server/src/lib/percentile.js";
import { openStore } from "../server/src/store/database.js";
import { SharedThrottleSlots } from "../server/src/store/throttle-slots.js";
import { createPgSchema } from "../server/src/test-support/postgres.js";

const base = process.env.TEST_POSTGRES_URL;
if (!base) throw new Error("set TEST_POSTGRES_URL");
const schema = await createPgSchema(base);
const store = await openStore({ databaseUrl: schema.url, dataDir: mkdtempSync(join(tmpdir(), "hr-bench-")) });
const slots = new SharedThrottleSlots(store.db);

async function measure(label: string, workers: number, key: (w: number) => string, rounds = 500) {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < rounds; i++) {
        const start = performance.now();
        await slots.reserve([{ key: key(w), perSecond: 1000, count: 50 }], Date.now(), 1000);
        times.push(performance.now() - start);
      }
    }),
  );
  times.sort((a, b) => a - b);
  console.log(
    `${label}: ${times.length} reservations, p50 ${(percentile(times, 0.5) ?? NaN).toFixed(2)} ms, p99 ${(percentile(times, 0.99) ?? NaN).toFixed(2)} ms`,
  );
}

await measure("1 worker, 1 key", 1, () => "ep:a");
await measure("4 workers, same key", 4, () => "ep:b");
await measure("4 workers, own keys", 4, (w) => `ep:c${w}`);
await store.close();
await schema.drop();
