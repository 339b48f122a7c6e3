import { Webhook } from "standardwebhooks";
import { ApiException, Svix } from "svix1";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/**
 * The outbound core end to end: the real server process, the official Svix SDK, and real
 * loopback receivers. Every delivery is verified with the `standardwebhooks` package.
 *
 * This suite deliberately stays on svix 1.x (the `svix1` npm alias): deployed integrations still
 * run it, and it proves the 1.x names (`filterTypes`) still filter. Every other suite uses 2.x.
 */
describeEachStore("outbound API through the official Svix SDK (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({
      env: {
        HOOKRELAY_RETRY_SCHEDULE: "1,1,1",
        HOOKRELAY_RETRY_JITTER: "0",
        HOOKRELAY_SLOW_DOWN_MIN_SECONDS: "0",
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      },
    });
    svix = new Svix(server.token, { serverUrl: server.url });
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  async function endpointWithReceiver(appId: string, filterTypes?: string[]) {
    const receiver = await startReceiver();
    const ep = await svix.endpoint.create(appId, { url: receiver.url, filterTypes });
    const { key } = await svix.endpoint.getSecret(appId, ep.id);
    return { receiver, ep, secret: key };
  }

  function verify(secret: string, r: Receiver, i = 0): unknown {
    const got = r.received[i]!;
    return new Webhook(secret).verify(got.body, got.headers as Record<string, string>);
  }

  it("delivers signed messages only to endpoints whose filter matches", async () => {
    const app = await svix.application.create({ name: "Acme", uid: "acme" });
    expect(app.id).toMatch(/^app_/);
    const orders = await endpointWithReceiver("acme", ["order.created"]);
    const all = await endpointWithReceiver("acme");

    const msg = await svix.message.create("acme", { eventType: "order.created", payload: { id: 1 } });
    expect(msg.id).toMatch(/^msg_/);
    await svix.message.create("acme", { eventType: "invoice.paid", payload: { id: 2 } });

    await orders.receiver.waitFor(1);
    await all.receiver.waitFor(2);
    expect(verify(orders.secret, orders.receiver)).toEqual({ id: 1 });
    expect(orders.receiver.received[0]!.headers["webhook-id"]).toBe(msg.id);
    expect(orders.receiver.received[0]!.headers["svix-id"]).toBe(msg.id);
    const bodies = all.receiver.received.map((_, i) => verify(all.secret, all.receiver, i));
    expect(bodies).toEqual(expect.arrayContaining([{ id: 1 }, { id: 2 }]));
    await new Promise((r) => setTimeout(r, 300));
    expect(orders.receiver.received).toHaveLength(1);

    const attempts = await svix.messageAttempt.listByMsg("acme", msg.id);
    expect(attempts.data.length).toBeGreaterThanOrEqual(1);
    expect(attempts.data[0]!.responseStatusCode).toBe(200);
    await orders.receiver.close();
    await all.receiver.close();
  });

  it("replays the stored response for a repeated idempotency key and de-duplicates eventId", async () => {
    await svix.application.create({ name: "Idem", uid: "idem" });
    const { receiver } = await endpointWithReceiver("idem");
    const first = await svix.message.create("idem", { eventType: "a.b", payload: { n: 1 } }, { idempotencyKey: "key-1" });
    const again = await svix.message.create("idem", { eventType: "a.b", payload: { n: 1 } }, { idempotencyKey: "key-1" });
    expect(again.id).toBe(first.id);

    await svix.message.create("idem", { eventType: "a.b", eventId: "evt-1", payload: { n: 2 } });
    const dup = await svix.message
      .create("idem", { eventType: "a.b", eventId: "evt-1", payload: { n: 2 } })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ApiException);
    expect((dup as ApiException<unknown>).code).toBe(409);

    const list = await svix.message.list("idem");
    expect(list.data).toHaveLength(2);
    await receiver.waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(2);
    await receiver.close();
  });

  it("retries failures, honours the schedule and records every attempt", async () => {
    await svix.application.create({ name: "Retry", uid: "retry" });
    const { receiver, ep, secret } = await endpointWithReceiver("retry");
    receiver.respond((_req, n) => (n < 3 ? { status: 500, body: "boom" } : { status: 204 }));
    const msg = await svix.message.create("retry", { eventType: "x.y", payload: { ok: true } });
    await receiver.waitFor(3, 15_000);
    expect(verify(secret, receiver, 2)).toEqual({ ok: true });
    // The first attempt and the retries are at least a schedule step (1 s) apart.
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
    await expect.poll(async () => (await svix.messageAttempt.listByMsg("retry", msg.id)).data.length).toBe(3);
    const attempts = await svix.messageAttempt.listByEndpoint("retry", ep.id);
    expect(attempts.data.map((a) => a.responseStatusCode).sort()).toEqual([204, 500, 500]);
    await receiver.close();
  });

  it("marks a delivery failed after the schedule is exhausted, then resend and recover deliver it", async () => {
    await svix.application.create({ name: "Dead", uid: "dead" });
    const { receiver, ep } = await endpointWithReceiver("dead");
    receiver.respond(() => ({ status: 503 }));
    const msg = await svix.message.create("dead", { eventType: "x.y", payload: { n: 1 } });
    await receiver.waitFor(4, 20_000); // first attempt + 3 retries
    await expect
      .poll(async () => (await svix.messageAttempt.listAttemptedDestinations("dead", msg.id)).data[0]?.status, { timeout: 10_000 })
      .toBe(2);

    receiver.respond(() => ({ status: 200 }));
    await svix.messageAttempt.resend("dead", msg.id, ep.id);
    await receiver.waitFor(5);
    await expect
      .poll(async () => (await svix.messageAttempt.listAttemptedDestinations("dead", msg.id)).data[0]?.status)
      .toBe(0);

    receiver.respond(() => ({ status: 500 }));
    const second = await svix.message.create("dead", { eventType: "x.y", payload: { n: 2 } });
    await expect
      .poll(async () => (await svix.messageAttempt.listAttemptedDestinations("dead", second.id)).data[0]?.status, { timeout: 20_000 })
      .toBe(2);
    receiver.respond(() => ({ status: 200 }));
    const before = receiver.received.length;
    await svix.endpoint.recover("dead", ep.id, { since: new Date(Date.now() - 3_600_000) });
    await receiver.waitFor(before + 1);
    await expect
      .poll(async () => (await svix.messageAttempt.listAttemptedDestinations("dead", second.id)).data[0]?.status)
      .toBe(0);
    await receiver.close();
  });

  it("honours Retry-After and disables an endpoint that answers 410", async () => {
    await svix.application.create({ name: "Gone", uid: "gone" });
    const slow = await endpointWithReceiver("gone");
    slow.receiver.respond((_r, n) => (n === 1 ? { status: 429, headers: { "retry-after": "3" } } : { status: 200 }));
    await svix.message.create("gone", { eventType: "x.y", payload: {} });
    await slow.receiver.waitFor(2, 15_000);
    const gap = slow.receiver.received[1]!.at - slow.receiver.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(2_900);

    await svix.endpoint.update("gone", slow.ep.id, { url: slow.receiver.url, disabled: true });
    const goneEp = await endpointWithReceiver("gone");
    goneEp.receiver.respond(() => ({ status: 410 }));
    await svix.message.create("gone", { eventType: "x.y", payload: {} });
    await goneEp.receiver.waitFor(1);
    await expect.poll(async () => (await svix.endpoint.get("gone", goneEp.ep.id)).disabled).toBe(true);
    await svix.message.create("gone", { eventType: "x.y", payload: {} });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(goneEp.receiver.received).toHaveLength(1);
    await slow.receiver.close();
    await goneEp.receiver.close();
  });

  it("signs with the new and the previous secret during the rotation grace period", async () => {
    await svix.application.create({ name: "Rotate", uid: "rotate" });
    const { receiver, ep, secret: oldSecret } = await endpointWithReceiver("rotate");
    await svix.endpoint.rotateSecret("rotate", ep.id, {});
    const { key: newSecret } = await svix.endpoint.getSecret("rotate", ep.id);
    expect(newSecret).not.toBe(oldSecret);
    await svix.message.create("rotate", { eventType: "x.y", payload: { r: 1 } });
    await receiver.waitFor(1);
    expect(receiver.received[0]!.headers["webhook-signature"]!.toString().split(" ")).toHaveLength(2);
    expect(verify(oldSecret, receiver)).toEqual({ r: 1 });
    expect(verify(newSecret, receiver)).toEqual({ r: 1 });
    await receiver.close();
  });

  it("answers 404 for another application's resources and paginates with iterators", async () => {
    await svix.application.create({ name: "A", uid: "tenant-a" });
    await svix.application.create({ name: "B", uid: "tenant-b" });
    const msg = await svix.message.create("tenant-a", { eventType: "x.y", payload: {} });
    const err = await svix.message.get("tenant-b", msg.id).catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).toBe(404);

    for (let i = 0; i < 5; i++) await svix.message.create("tenant-b", { eventType: "p.q", payload: { i } });
    const seen: string[] = [];
    let iterator: string | null | undefined;
    for (;;) {
      const page = await svix.message.list("tenant-b", { limit: 2, iterator });
      seen.push(...page.data.map((m) => m.id));
      if (page.done) break;
      iterator = page.iterator;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort().reverse()).toEqual(seen); // newest first
  });

  it("refuses private endpoint URLs with 422, and connections to ones saved while allowed, failing them at once", async () => {
    // SQLite servers of their own: the suite's server allows loopback and would deliver.
    const canary = await startReceiver();
    const port = new URL(canary.url).port;
    const urls = [canary.url, `http://127.1:${port}`, `http://0x7f000001:${port}`, `http://[::ffff:127.0.0.1]:${port}`, `http://localhost:${port}`];
    const env = { HOOKRELAY_RETRY_SCHEDULE: "1,1", HOOKRELAY_RETRY_JITTER: "0" };
    let guarded = await startServer({ env: { ...env, HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "" } });
    const { dataDir, token } = guarded;
    try {
      let client = new Svix(token, { serverUrl: guarded.url });
      await client.application.create({ name: "SSRF", uid: "ssrf" });
      for (const url of urls) {
        const error = await client.endpoint.create("ssrf", { url }).then(() => undefined, (e: unknown) => e);
        expect(error, url).toBeInstanceOf(ApiException);
        expect((error as ApiException<{ code: string; detail: string }>).code, url).toBe(422);
        expect((error as ApiException<{ code: string; detail: string }>).body.detail, url).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");
      }
      await guarded.stop();

      // Saved while the setting allowed them, then the setting is emptied: the guard refuses
      // each connection when delivering, and each delivery fails at its first attempt.
      const allowing = await startServer({ dataDir, token, env: { ...env, HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "127.0.0.0/8,::1" } });
      client = new Svix(token, { serverUrl: allowing.url });
      for (const url of urls) await client.endpoint.create("ssrf", { url });
      await allowing.stop();
      guarded = await startServer({ dataDir, token, env: { ...env, HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "" } });
      client = new Svix(token, { serverUrl: guarded.url });

      const msg = await client.message.create("ssrf", { eventType: "x.y", payload: {} });
      await expect
        .poll(async () => (await client.messageAttempt.listByMsg("ssrf", msg.id)).data.length, { timeout: 15_000 })
        .toBeGreaterThanOrEqual(urls.length);
      // Past the whole retry schedule: no endpoint got a second attempt.
      await new Promise((r) => setTimeout(r, 2_500));
      const attempts = (await client.messageAttempt.listByMsg("ssrf", msg.id)).data;
      expect(attempts).toHaveLength(urls.length);
      for (const a of attempts) {
        expect(a.responseStatusCode).toBe(0);
        expect(a.response).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");
      }
      expect(canary.received).toHaveLength(0);
    } finally {
      await canary.close();
      await guarded.stop();
      guarded.cleanup();
    }
  });
});
