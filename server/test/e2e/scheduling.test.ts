import { afterAll, afterEach, describe, expect, it } from "vitest";

import { ApiClient } from "../support/load.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/**
 * Behaviour that only shows across time or a restart of the real server process: scheduled
 * delivery, the Retry-After clamp as configured, and Idempotency-Key replay after a crash.
 */
describe("the real server over time", () => {
  const servers: ServerProcess[] = [];
  const clients: ApiClient[] = [];
  let receiver: Receiver | undefined;

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const s of servers.splice(0)) {
      if (s.child.exitCode === null) await s.kill();
      s.cleanup();
    }
    await receiver?.close();
    receiver = undefined;
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function boot(env: Record<string, string> = {}, dataDir?: string): Promise<ApiClient> {
    const server = await startServer({ env, ...(dataDir ? { dataDir } : {}) });
    servers.push(server);
    const client = new ApiClient(server.url, server.token, 2);
    clients.push(client);
    return client;
  }

  async function appWithEndpoint(api: ApiClient, uid: string, url: string): Promise<void> {
    expect((await api.post("/api/v1/app", { name: uid, uid })).status).toBe(201);
    expect((await api.post(`/api/v1/app/${uid}/endpoint`, { url })).status).toBe(201);
  }

  it("delivers a deliverAt message at its time, not before", async () => {
    receiver = await startReceiver();
    const api = await boot();
    await appWithEndpoint(api, "later", receiver.url);
    const deliverAt = Date.now() + 3_000;
    const r = await api.post("/api/v1/app/later/msg", {
      eventType: "report.ready",
      payload: { n: 1 },
      deliverAt: new Date(deliverAt).toISOString(),
    });
    expect(r.status).toBe(202);
    const [delivery] = await receiver.waitFor(1, 20_000);
    expect(delivery!.at).toBeGreaterThanOrEqual(deliverAt);
  });

  it("clamps a receiver's Retry-After to HOOKRELAY_RETRY_AFTER_MAX_SECONDS", async () => {
    receiver = await startReceiver();
    // The first answer asks for an hour; the configured clamp is 2 s.
    receiver.respond((_req, n) => (n === 1 ? { status: 503, headers: { "retry-after": "3600" } } : { status: 200 }));
    const api = await boot({
      HOOKRELAY_RETRY_AFTER_MAX_SECONDS: "2",
      HOOKRELAY_SLOW_DOWN_MIN_SECONDS: "1",
      HOOKRELAY_RETRY_SCHEDULE: "1,1",
      HOOKRELAY_RETRY_JITTER: "0",
    });
    await appWithEndpoint(api, "clamp", receiver.url);
    expect((await api.post("/api/v1/app/clamp/msg", { eventType: "a.b", payload: {} })).status).toBe(202);
    const [first, second] = await receiver.waitFor(2, 20_000);
    const waited = second!.at - first!.at;
    expect(waited).toBeGreaterThanOrEqual(1_900);
    expect(waited).toBeLessThan(15_000);
  });

  it("replays an Idempotency-Key's first answer after the server was killed and restarted", async () => {
    const api = await boot();
    expect((await api.post("/api/v1/app", { name: "i", uid: "idem" })).status).toBe(201);
    const headers = { "idempotency-key": "order-42-created" };
    const first = await api.post<{ id: string }>("/api/v1/app/idem/msg", { eventType: "a.b", payload: { n: 42 } }, headers);
    expect(first.status).toBe(202);
    const dataDir = servers[0]!.dataDir;
    await servers[0]!.kill();
    await clients.splice(0)[0]!.close();
    servers.splice(0);

    const again = await boot({}, dataDir);
    const replay = await again.post<{ id: string }>("/api/v1/app/idem/msg", { eventType: "a.b", payload: { n: 42 } }, headers);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    const list = await again.get<{ data: { id: string }[] }>("/api/v1/app/idem/msg");
    expect(list.body.data.map((m) => m.id)).toEqual([first.body.id]);
  });
});
