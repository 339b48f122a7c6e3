import { Webhook } from "standardwebhooks";
import { Svix } from "svix";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import {
  createPgSchema,
  describeEachStore,
  type PgSchema,
  TEST_POSTGRES_URL,
} from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const TRANSFORM = `function handler(webhook) {
  webhook.payload = { total: webhook.payload.amount * 100, was: webhook.eventType };
  webhook.eventType = "invoice.settled";
  webhook.headers["x-tenant"] = "t-42";
  webhook.method = "PUT";
  return webhook;
}`;

/**
 * Endpoint transformations end to end (ADR 16): the real server, the official `svix` 2.x SDK
 * (`endpoint.transformation.get/patch`, the deprecated `endpoint.transformationPartialUpdate`),
 * loopback receivers, `standardwebhooks` verifying the transformed bytes; a cancelling handler;
 * a hostile handler recorded on its attempts while another endpoint keeps receiving; simulate.
 */
describeEachStore("endpoint transformations through the official Svix SDK (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({
      env: {
        HOOKRELAY_RETRY_SCHEDULE: "1,1",
        HOOKRELAY_RETRY_JITTER: "0",
        HOOKRELAY_TRANSFORMATION_TIME_LIMIT_MS: "200",
        HOOKRELAY_TRANSFORMATION_MEMORY_LIMIT_BYTES: String(8 * 1024 * 1024),
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      },
    });
    svix = new Svix(server.token, { serverUrl: server.url });
    await svix.application.create({ name: "Shop", uid: "shop" });
  });

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  async function endpoint() {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const ep = await svix.endpoint.create("shop", { url: receiver.url });
    const { key } = await svix.endpoint.getSecret("shop", ep.id);
    return { receiver, ep, secret: key };
  }

  it("sets, reads and applies a transformation: the receiver verifies the transformed bytes and gets the added header", async () => {
    const { receiver, ep, secret } = await endpoint();
    expect(await svix.endpoint.transformation.get("shop", ep.id)).toMatchObject({
      code: null,
      enabled: false,
      updatedAt: null,
    });

    await svix.endpoint.transformation.patch("shop", ep.id, { code: TRANSFORM, enabled: true });
    const got = await svix.endpoint.transformation.get("shop", ep.id);
    expect(got).toMatchObject({ code: TRANSFORM, enabled: true });
    expect(got.updatedAt).toBeInstanceOf(Date);

    const msg = await svix.message.create("shop", { eventType: "invoice.paid", payload: { amount: 12 } });
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.body).toBe('{"total":1200,"was":"invoice.paid"}');
    expect(new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>)).toEqual({
      total: 1200,
      was: "invoice.paid",
    });
    expect(delivery!.headers["x-tenant"]).toBe("t-42");
    expect(delivery!.method).toBe("PUT");
    expect(delivery!.headers["webhook-id"]).toBe(msg.id);

    // Switched off (the deprecated SDK method, same route): the next message goes as stored.
    await svix.endpoint.transformationPartialUpdate("shop", ep.id, { enabled: false });
    expect(await svix.endpoint.transformation.get("shop", ep.id)).toMatchObject({
      code: TRANSFORM,
      enabled: false,
    });
    // The worker's cache of the code lives one second.
    await new Promise((r) => setTimeout(r, 1_100));
    await svix.message.create("shop", { eventType: "invoice.paid", payload: { amount: 3 } });
    const second = (await receiver.waitFor(2))[1]!;
    expect(new Webhook(secret).verify(second.body, second.headers as Record<string, string>)).toEqual({
      amount: 3,
    });
    expect(second.headers["x-tenant"]).toBeUndefined();
    expect(second.method).toBe("POST");
  });

  it("cancels a delivery: nothing sent, recorded as cancelled, not retried", async () => {
    const { receiver, ep } = await endpoint();
    await svix.endpoint.transformation.patch("shop", ep.id, {
      code: "function handler(w) { w.cancel = w.payload.skip === true; return w }",
      enabled: true,
    });
    const skipped = await svix.message.create("shop", {
      eventType: "order.created",
      payload: { skip: true },
    });
    await svix.message.create("shop", { eventType: "order.created", payload: { skip: false } });
    await receiver.waitFor(1);
    await waitUntil(
      async () =>
        (await svix.messageAttempt.listByMsg("shop", skipped.id, { endpointId: ep.id, withContent: true }))
          .data.length > 0,
    );
    await new Promise((r) => setTimeout(r, 2_500));
    const attempts = await svix.messageAttempt.listByMsg("shop", skipped.id, {
      endpointId: ep.id,
      withContent: true,
    });
    expect(attempts.data).toHaveLength(1);
    expect(attempts.data[0]!.response).toMatch(/cancelled by the endpoint's transformation/);
    expect(attempts.data[0]!.responseStatusCode).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body)).toEqual({ skip: false });
  });

  it("records a hostile handler's failure on each attempt and retries, while another endpoint keeps receiving", async () => {
    const hostile = await endpoint();
    const healthy = await endpoint();
    await svix.endpoint.transformation.patch("shop", hostile.ep.id, {
      code: "function handler(w) { while (true) {} }",
      enabled: true,
    });
    const msg = await svix.message.create("shop", { eventType: "user.created", payload: { n: 1 } });
    for (let i = 2; i <= 6; i++)
      await svix.message.create("shop", { eventType: "user.created", payload: { n: i } });
    await healthy.receiver.waitFor(6);

    // Initial attempt + 2 retries (HOOKRELAY_RETRY_SCHEDULE=1,1), each stopped at the time limit.
    await waitUntil(
      async () =>
        (
          await svix.messageAttempt.listByMsg("shop", msg.id, {
            endpointId: hostile.ep.id,
            withContent: true,
          })
        ).data.length >= 3,
      15_000,
    );
    const attempts = await svix.messageAttempt.listByMsg("shop", msg.id, {
      endpointId: hostile.ep.id,
      withContent: true,
    });
    for (const a of attempts.data)
      expect(a.response).toMatch(/transformation timeout: handler exceeded the 200 ms time limit/);
    expect(hostile.receiver.received).toHaveLength(0);

    await svix.endpoint.transformation.patch("shop", hostile.ep.id, {
      code: 'function handler(w) { const a = []; for (;;) a.push("x".repeat(65536) + a.length + Math.random()) }',
    });
    await new Promise((r) => setTimeout(r, 1_100));
    const oom = await svix.message.create("shop", { eventType: "user.created", payload: { n: 7 } });
    await waitUntil(
      async () =>
        (
          await svix.messageAttempt.listByMsg("shop", oom.id, {
            endpointId: hostile.ep.id,
            withContent: true,
          })
        ).data.length >= 1,
    );
    const [first] = (
      await svix.messageAttempt.listByMsg("shop", oom.id, { endpointId: hostile.ep.id, withContent: true })
    ).data;
    expect(first!.response).toMatch(/transformation memory: handler exceeded the 8388608 byte memory limit/);
    await healthy.receiver.waitFor(7);
  });

  it("simulates a transformation on a payload (and answers 422 with the reason when it fails)", async () => {
    const { ep, receiver } = await endpoint();
    const simulate = (body: unknown) =>
      fetch(`${server.url}/api/v1/app/shop/endpoint/${ep.id}/transformation/simulate`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const ok = await simulate({ code: TRANSFORM, eventType: "invoice.paid", payload: { amount: 2 } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      url: receiver.url,
      method: "PUT",
      payload: '{"total":200,"was":"invoice.paid"}',
      cancel: false,
      eventType: "invoice.settled",
      headers: { "x-tenant": "t-42" },
    });
    const bad = await simulate({
      code: "function handler(w) { process.exit(1) }",
      eventType: "a",
      payload: {},
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      code: "transformation_error",
      detail: expect.stringMatching(/'process' is not defined/),
    });
    const invalid = await simulate({ code: "short", eventType: "a", payload: {} });
    expect(invalid.status).toBe(422);
    // Nothing was delivered by a test run.
    expect(receiver.received).toHaveLength(0);
  });
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  await vi.waitFor(async () => expect(await check()).toBe(true), { timeout: ms, interval: 100 });
}
