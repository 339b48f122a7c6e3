import { createHmac } from "node:crypto";

import { Webhook } from "standardwebhooks";
import { Svix } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CAREEM_SAMPLE_ORDER } from "../../src/test-support/careem-sample.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const CAREEM_SECRET = "careem_secret_key_client_123";


/** Careem's scheme written out with node:crypto: hex HMAC-SHA256 of "{timestamp}.{body}". */
function careemHeaders(body: string, secret = CAREEM_SECRET): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    "content-type": "application/json",
    "x-careem-client-id": "client_123",
    "x-careem-timestamp": timestamp,
    "x-careem-signature": createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex"),
  };
}

/**
 * The inbound half end to end: the real server process, a Careem webhook signed as Careem
 * signs it, and a loopback receiver standing in for the restaurant's system. What arrives is
 * checked with the `standardwebhooks` package, as a receiver would.
 */
describe("a Careem order reaches the application's endpoint", () => {
  let server: ServerProcess;
  let svix: Svix;
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startServer();
    svix = new Svix(server.token, { serverUrl: server.url });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await server?.stop();
    server?.cleanup();
  });

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it("as a signed order.created delivery in the canonical shape, once", async () => {
    await svix.application.create({ name: "Shawarma House", uid: "shawarma-house" });
    // The food-delivery catalog is not seeded at start: an install without a delivery-platform
    // source has no order.* types. Creating the Careem source registers them, with schemas.
    expect((await api("GET", "/api/v1/event-type/order.created")).status).toBe(404);
    const source = await api("POST", "/api/v1/app/shawarma-house/source", {
      name: "Careem Now",
      provider: "careem",
      config: { secret: CAREEM_SECRET, clientId: "client_123" },
    });
    expect(source.status).toBe(201);
    const eventType = await svix.eventType.get("order.created");
    expect(eventType.schemas).toBeTruthy();
    expect((await api("GET", "/api/v1/event-type/menu.updated")).status).toBe(200);
    const endpoint = await svix.endpoint.create("shawarma-house", {
      url: receiver.url,
      eventTypes: ["order.created"],
    });
    const { key: endpointSecret } = await svix.endpoint.getSecret("shawarma-house", endpoint.id);
    const ingestUrl = source.body.ingestUrl as string;
    expect(ingestUrl).toBe(`${server.url}/webhooks/careem/shawarma-house`);

    const body = JSON.stringify(CAREEM_SAMPLE_ORDER);
    const forged = await fetch(ingestUrl, {
      method: "POST",
      body,
      headers: careemHeaders(body, "not_the_secret"),
    });
    expect(forged.status).toBe(401);

    const res = await fetch(ingestUrl, { method: "POST", body, headers: careemHeaders(body) });
    expect(res.status).toBe(200);
    const accepted = (await res.json()) as { status: string; id: string; msgId: string };
    expect(accepted.status).toBe("accepted");

    // Careem retries when it misses our answer; the copy must not reach the restaurant twice.
    const copy = await fetch(ingestUrl, { method: "POST", body, headers: careemHeaders(body) });
    expect(((await copy.json()) as { status: string }).status).toBe("duplicate");

    const [delivery] = await receiver.waitFor(1);
    const signed = delivery!.headers as Record<string, string>;
    const payload = new Webhook(endpointSecret).verify(delivery!.body, signed);
    expect(delivery!.headers["webhook-id"]).toBe(accepted.msgId);
    // The signature covers these exact bytes: one changed character, or another secret, fails.
    expect(() => new Webhook(endpointSecret).verify(delivery!.body.replace("ORD-789", "ORD-788"), signed)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString("base64")}`).verify(delivery!.body, signed)).toThrow();
    expect(payload).toMatchObject({
      provider: "careem",
      providerEventType: "order.created",
      orderId: "careem_order_12345",
      orderNumber: "ORD-789",
      restaurantId: "rest_456",
      customer: { name: "Ahmed Ali", phone: "+971501234567" },
      items: [
        { name: "Chicken Shawarma", quantity: 2, unitPrice: "25.00", modifiers: [{ name: "Extra Sauce" }] },
      ],
      total: { amount: "52.00", currency: "AED" },
      deliveryAddress: { lat: 25.2048, lng: 55.2708 },
      original: CAREEM_SAMPLE_ORDER,
    });

    // The delivery is an ordinary message: its attempts are on record.
    await expect
      .poll(
        async () =>
          (await svix.messageAttempt.listByMsg("shawarma-house", accepted.msgId)).data[0]?.responseStatusCode,
      )
      .toBe(200);
    const log = await api("GET", `/api/v1/app/shawarma-house/source/${source.body.id as string}/request`);
    const statuses = (log.body.data as { status: string; reason: string | null }[]).map((r) => [
      r.status,
      r.reason,
    ]);
    expect(statuses).toEqual([
      ["duplicate", null],
      ["accepted", null],
      ["rejected", "invalid_signature"],
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(1);
  });
});
