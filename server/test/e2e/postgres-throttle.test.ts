import { Svix } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type ArrivalReceiver,
  busiestSecond,
  startArrivalReceiver,
} from "../../src/test-support/arrival-receiver.js";
import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/**
 * The throttle proof with two real server processes (API + worker each) on one PostgreSQL
 * schema, driven by the official SDK: an endpoint with throttleRate 10 and a burst of 60
 * messages sent through both instances, whose workers both claim from the queue: no one-second
 * window at the receiver holds more than 10 (+1 at a slot edge), and every delivery is one attempt.
 */
describe.skipIf(!TEST_POSTGRES_URL)("throttleRate across two server processes on PostgreSQL", () => {
  let schema: PgSchema;
  let receiver: ArrivalReceiver;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    receiver = await startArrivalReceiver();
  });
  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null) await s.stop();
      s.cleanup();
    }
    await receiver?.close();
    await schema?.drop();
  });

  it("never sends faster than the endpoint's throttleRate in all", { timeout: 60_000 }, async () => {
    // Small claim batches, so both workers take part in the burst.
    const env = { DATABASE_URL: schema.url, HOOKRELAY_WORKER_BATCH_SIZE: "10" };
    servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
    const [a, b] = servers.map((s) => new Svix(s.token, { serverUrl: s.url }));
    const app = await a!.application.create({ name: "Throttled" });
    await a!.endpoint.create(app.id, { url: `${receiver.url}/hook`, throttleRate: 10 });

    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a! : b!).message.create(app.id, { eventType: "burst", payload: { i } }),
      ),
    );
    const deadline = Date.now() + 30_000;
    while (receiver.arrivals.length < 60 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));

    const times = receiver.arrivals.map((x) => x.at);
    expect(new Set(receiver.arrivals.map((x) => x.webhookId)).size).toBe(60);
    expect(times).toHaveLength(60);
    expect(busiestSecond(times)).toBeLessThanOrEqual(11);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(5_000);

    // Every delivery is one attempt (the last results may still be on their way to the database).
    const endpointId = (await a!.endpoint.list(app.id)).data[0]!.id;
    const attempts = async () =>
      (await a!.messageAttempt.listByEndpoint(app.id, endpointId, { limit: 250 })).data;
    let seen = await attempts();
    while (seen.length < 60 && Date.now() < deadline + 5_000) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await attempts();
    }
    expect(seen).toHaveLength(60);
  });
});
