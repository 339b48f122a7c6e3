import { afterAll, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient, sendMessages } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { startTrackingReceiver, type TrackingReceiver } from "../support/tracking-receiver.js";

const KILLS = 5;

/**
 * Two instances on one PostgreSQL under continuous load through both APIs; five times a
 * random one is killed with SIGKILL (no shutdown code runs) and started again. Every message
 * an API acknowledged with 202 must reach both endpoints: committed before the answer, and
 * its leased deliveries re-claimed by whichever instance is alive once the lease runs out.
 */
describe.skipIf(!TEST_POSTGRES_URL)("crash safety on PostgreSQL (SIGKILL, two instances)", () => {
  let schema: PgSchema | undefined;
  let receiver: TrackingReceiver | undefined;
  const instances: (ServerProcess | undefined)[] = [undefined, undefined];
  const all: ServerProcess[] = [];
  const clients: (ApiClient | undefined)[] = [undefined, undefined];

  afterAll(async () => {
    for (const c of clients) await c?.close();
    for (const s of all) {
      if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
      s.cleanup();
    }
    await receiver?.close();
    await schema?.drop();
  });

  it(`delivers every acknowledged message through ${KILLS} SIGKILLs of random instances`, async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    // A third of the answers take 150 ms, so deliveries are in flight (leased) at each kill.
    receiver = await startTrackingReceiver({ delayMs: () => (Math.random() < 0.33 ? 150 : 0) });
    // Short leases so a killed instance's rows come back within seconds.
    const env = {
      DATABASE_URL: schema.url,
      HOOKRELAY_DELIVERY_TIMEOUT_MS: "2000",
      HOOKRELAY_LEASE_MARGIN_MS: "500",
      HOOKRELAY_RETRY_SCHEDULE: "1,1,1,1,1",
    };
    const launch = async (i: number): Promise<void> => {
      const server = await startServer({ env });
      all.push(server);
      instances[i] = server;
      clients[i] = new ApiClient(server.url, server.token, 8);
    };
    await Promise.all([launch(0), launch(1)]);
    const setup = clients[0]!;
    expect((await setup.post("/api/v1/app", { name: "Crash", uid: "crash" })).status).toBe(201);
    for (const path of ["/a", "/b"]) {
      expect((await setup.post("/api/v1/app/crash/endpoint", { url: receiver.url + path })).status).toBe(201);
    }

    let stop = false;
    const load = sendMessages({
      app: "crash",
      stop: () => stop,
      concurrency: 16,
      pick: (n) => clients[n % 2],
    });

    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 1_500 + Math.random() * 1_000));
      const i = Math.random() < 0.5 ? 0 : 1;
      const victim = instances[i]!;
      const client = clients[i];
      clients[i] = undefined;
      instances[i] = undefined;
      await victim.kill();
      kills.push(`#${i} (pid ${victim.child.pid})`);
      await client?.close();
      await launch(i);
    }
    await new Promise((r) => setTimeout(r, 1_500));
    stop = true;
    const sent = await load;
    expect(sent.acked.length).toBeGreaterThan(200);
    // Only 202 (acknowledged) or no answer at all (killed under the request): never an error answer.
    expect([...sent.statuses.keys()]).toEqual([202]);

    const deadline = Date.now() + 60_000;
    const missing = (): string[] =>
      sent.acked.flatMap((id) => ["/a", "/b"].filter((p) => !receiver!.has(id, p)).map((p) => id + p));
    while (missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(missing()).toEqual([]);
    console.log(
      `[crash] killed ${kills.join(", ")}; ${sent.acked.length} messages acknowledged, ` +
        `${sent.errors} requests cut off by a kill; ${receiver.total()} deliveries received, ` +
        `${receiver.duplicates()} of them repeats (at-least-once after a kill), ${receiver.overlaps.length} concurrent`,
    );
  }, 180_000);
});
