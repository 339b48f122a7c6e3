import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";

import { startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/**
 * Kill -9 during ingest and delivery, restart on the same data: every message the API
 * acknowledged with 202 must still reach the endpoint (at least once).
 */
describe("crash safety (SIGKILL)", () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) await s.kill();
    servers[0]?.cleanup();
  });

  it("delivers every acknowledged message after a SIGKILL and restart", async () => {
    const receiver = await startReceiver();
    const fastLease = { HOOKRELAY_RETRY_SCHEDULE: "1,1,1,1,1", HOOKRELAY_DELIVERY_TIMEOUT_MS: "2000", HOOKRELAY_LEASE_MARGIN_MS: "500" };
    const first = await startServer({ env: fastLease });
    servers.push(first);
    const headers = { authorization: `Bearer ${first.token}`, "content-type": "application/json" };
    const post = async (url: string, path: string, body: unknown) => {
      const r = await request(url + path, { method: "POST", headers, body: JSON.stringify(body) });
      const text = await r.body.text();
      return { status: r.statusCode, json: text ? (JSON.parse(text) as { id: string }) : undefined };
    };
    expect((await post(first.url, "/api/v1/app", { name: "Crash", uid: "crash" })).status).toBe(201);
    expect((await post(first.url, "/api/v1/app/crash/endpoint", { url: receiver.url })).status).toBe(201);

    // Slow deliveries keep some of them in flight (leased) at the moment of the kill.
    receiver.respond((_r, n) => ({ status: 200, delayMs: n % 3 === 0 ? 200 : 0 }));
    const acked = new Set<string>();
    let stop = false;
    const senders = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await post(first.url, "/api/v1/app/crash/msg", { eventType: "crash.test", payload: { worker, i } });
          if (r.status === 202 && r.json) acked.add(r.json.id);
        } catch {
          return; // the server died under this request: not acknowledged
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_500));
    await first.kill();
    stop = true;
    await Promise.all(senders);
    expect(acked.size).toBeGreaterThan(50);

    const second = await startServer({ dataDir: first.dataDir, env: fastLease });
    servers.push(second);
    receiver.respond(() => ({ status: 200 }));
    const deadline = Date.now() + 30_000;
    const delivered = (): Set<string> => new Set(receiver.received.map((r) => String(r.headers["webhook-id"])));
    while (Date.now() < deadline && [...acked].some((id) => !delivered().has(id))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const missing = [...acked].filter((id) => !delivered().has(id));
    expect(missing).toEqual([]);
    await second.stop();
    await receiver.close();
  }, 90_000);
});
