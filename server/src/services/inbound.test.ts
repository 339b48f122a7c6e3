import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { messageEventType, redactHeaders } from "./inbound-records.js";

describe("messageEventType", () => {
  it.each([
    ["order.created", "order.created"],
    ["shopify.orders/create", "shopify.orders.create"],
    ["hmac.a b:c", "hmac.a_b_c"],
    ["", "unknown"],
  ])("%j → %j", (input, expected) => {
    expect(messageEventType(input)).toBe(expected);
  });

  it("keeps names within Svix's 256 characters", () => {
    expect(messageEventType("x".repeat(1000))).toHaveLength(256);
  });
});

describe("redactHeaders", () => {
  it("replaces every scheme's credential and signature headers and the extra names given", () => {
    const headers = {
      authorization: "Bearer t",
      cookie: "a=b",
      "x-talabat-api-key": "k",
      "x-careem-signature": "s",
      "x-deliveroo-hmac-sha256": "s",
      "stripe-signature": "t=1,v1=s",
      "webhook-signature": "v1,s",
      "svix-signature": "v1,s",
      "x-hub-signature-256": "sha256=s",
      "x-shopify-hmac-sha256": "s",
      "x-custom": "s",
      "x-careem-timestamp": "1",
      "content-type": "application/json",
      "webhook-id": "msg_1",
    };
    expect(redactHeaders(headers, ["x-custom"])).toEqual({
      ...Object.fromEntries(Object.keys(headers).map((k) => [k, "[redacted]"])),
      "x-careem-timestamp": "1",
      "content-type": "application/json",
      "webhook-id": "msg_1",
    });
  });
});

/** The ingest path end to end through HTTP on every store (TEST_POSTGRES_URL adds PostgreSQL). */
describeEachStore("inbound ingest on %s", (kind) => {
  let t: TestApp;
  let sourceId: string;
  const SECRET = "careem_secret_key_client_123";

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    await t.app.inject({
      method: "POST",
      url: "/api/v1/app",
      headers: t.auth,
      payload: { name: "a", uid: "flow" },
    });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/app/flow/endpoint",
      headers: t.auth,
      payload: { url: "https://example.com/hook" },
    });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/app/flow/source",
      headers: t.auth,
      payload: {
        name: "c",
        provider: "careem",
        config: { secret: SECRET, rateLimits: [{ points: 30, durationSeconds: 60 }] },
      },
    });
    sourceId = res.json().id;
  });

  afterAll(async () => {
    await t.close();
  });

  function send(body: string) {
    const ts = String(Math.floor(Date.now() / 1000));
    return t.app.inject({
      method: "POST",
      url: "/webhooks/careem/flow",
      payload: body,
      headers: {
        "content-type": "application/json",
        "x-careem-timestamp": ts,
        "x-careem-signature": createHmac("sha256", SECRET).update(`${ts}.${body}`).digest("hex"),
      },
    });
  }
  const order = (id: string) => JSON.stringify({ event_type: "order.cancelled", data: { order: { id } } });

  it("carries the provider's JSON exactly as sent under `original`, in canonical and kept events", async () => {
    const canonical =
      ' {"event_type":"order.cancelled","total":12.30,"data":{"order":{"id":"o-exact","big":9007199254740993,"2":0,"b":1}}}\n';
    const kept = '{"event_type":"driver.assigned", "n":1e400,"s":"\\u2028","k":{"b":1,"1":0}}';
    for (const [body, eventType] of [
      [canonical, "order.cancelled"],
      [kept, "careem.driver.assigned"],
    ] as const) {
      const res = await send(body);
      expect(res.statusCode).toBe(200);
      const message = await t.store.db
        .selectFrom("messages")
        .selectAll()
        .where("id", "=", res.json().msgId)
        .executeTakeFirstOrThrow();
      expect(message.event_type).toBe(eventType);
      // The envelope around it is Hookrelay's own document; `original` is the body's own text.
      expect(message.payload).toContain(`"original":${body.trim()}}`);
      expect(JSON.parse(message.payload!)).toMatchObject({ provider: "careem", providerEventType: eventType.replace("careem.", "") });
    }
  });

  it("commits the message and the logged request together; the worker's fan-out writes its delivery", async () => {
    const res = await send(order("o-1"));
    expect(res.statusCode).toBe(200);
    const { id, msgId } = res.json();
    expect(await t.store.db.selectFrom("deliveries").select("id").where("msg_id", "=", msgId).execute()).toEqual([]);
    await t.expand();
    const [message, deliveries, request] = await Promise.all([
      t.store.db.selectFrom("messages").selectAll().where("id", "=", msgId).executeTakeFirstOrThrow(),
      t.store.db.selectFrom("deliveries").selectAll().where("msg_id", "=", msgId).execute(),
      t.store.db.selectFrom("inbound_requests").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
    ]);
    expect(message).toMatchObject({ event_type: "order.cancelled", channels: '["careem"]', event_id: null });
    expect(deliveries).toHaveLength(1);
    expect(request).toMatchObject({
      status: "accepted",
      msg_id: msgId,
      provider_event_type: "order.cancelled",
    });
    expect(request.dedupe_key).toMatch(/^sha256:/);
  });

  it("accepts one of many simultaneous copies, whatever batches they land in", async () => {
    for (let round = 0; round < 3; round++) {
      const body = order(`together-${round}`);
      const answers = await Promise.all(Array.from({ length: 6 }, () => send(body)));
      const statuses = answers.map((a) => a.json().status as string);
      expect(statuses.filter((s) => s === "accepted")).toHaveLength(1);
      expect(statuses.filter((s) => s === "duplicate")).toHaveLength(5);
      expect(new Set(answers.map((a) => a.json().msgId)).size).toBe(1);
    }
  });

  it("stores what PostgreSQL text cannot hold (NUL) without failing the call", async () => {
    const body = JSON.stringify({ event_type: "order.created\u0000x", data: { order: { id: "nul" } } });
    const res = await send(body);
    expect(res.statusCode).toBe(200);
    const row = await t.store.db
      .selectFrom("inbound_requests")
      .select(["provider_event_type", "body"])
      .where("id", "=", res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ provider_event_type: "order.created\uFFFDx", body });
    const msg = await t.store.db
      .selectFrom("messages")
      .select("event_type")
      .where("id", "=", res.json().msgId)
      .executeTakeFirstOrThrow();
    expect(msg.event_type).toBe("careem.order.created_x");
  });

  it("rate-limits the source and logs the refusals", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await send(order(`rl-${i}`))).statusCode);
    expect(statuses).toContain(429);
    const logged = await t.app.inject({
      url: `/api/v1/app/flow/source/${sourceId}/request?status=rejected&limit=1`,
      headers: t.auth,
    });
    expect(logged.json().data[0]).toMatchObject({ reason: "rate_limited" });
  });
});
