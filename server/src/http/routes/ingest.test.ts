import { createHmac, randomUUID } from "node:crypto";

import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";

/*
 * The ingest routes through app.inject(), with every request signed the way its provider does —
 * by node:crypto written out here, the `standardwebhooks` reference library and Stripe's own SDK,
 * never by the code under test.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

const stripeSdk = new Stripe("sk_test_not_used_for_network");
const nowS = (): number => Math.floor(Date.now() / 1000);
const hmacHex = (secret: string, content: string) =>
  createHmac("sha256", secret).update(content).digest("hex");
const hmacB64 = (secret: string, content: string) =>
  createHmac("sha256", secret).update(content).digest("base64");

async function api(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: t.auth,
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

let appCounter = 0;
async function createApp(): Promise<{ id: string; uid: string }> {
  const uid = `ingest-${++appCounter}`;
  const res = await api("POST", "/api/v1/app", { name: uid, uid });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, uid };
}

async function createSource(appId: string, provider: string, config: Record<string, unknown>) {
  const res = await api("POST", `/api/v1/app/${appId}/source`, { name: provider, provider, config });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; ingestUrl: string; ingestUrls: string[] };
}

function post(url: string, body: string | Buffer, headers: Record<string, string>, remoteAddress?: string) {
  return t.app.inject({
    method: "POST",
    url,
    payload: body,
    headers: { "content-type": "application/json", ...headers },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

async function lastRequest(appId: string, sourceId: string) {
  const res = await api("GET", `/api/v1/app/${appId}/source/${sourceId}/request?limit=1`);
  expect(res.status).toBe(200);
  return res.body.data[0] as { id: string; status: string; reason: string | null; msgId: string | null };
}

const order = (id: string, eventType = "order.created", status = "confirmed") =>
  JSON.stringify({
    event_type: eventType,
    timestamp: "2024-09-27T10:30:00Z",
    data: {
      order: {
        id,
        order_number: "ORD-789",
        status,
        restaurant_id: "rest_456",
        items: [
          { id: "item_1", name: "Chicken Shawarma", quantity: 2, unit_price: "25.00", total_price: "50.00" },
        ],
        total_amount: "52.00",
        currency: "AED",
      },
    },
  });

interface SignOptions {
  secret?: string;
  /** Unix seconds. */
  timestamp?: number;
  id?: string;
}

/** One provider's scheme, described independently of the code under test. */
interface Scheme {
  provider: string;
  config: Record<string, unknown>;
  wrongSecret: string;
  /** A body for a distinct event. */
  body(): string;
  /** Valid headers for `body`. */
  sign(body: string, options?: SignOptions): Record<string, string>;
  /** The header that carries the signature or credential, removed or garbled below. */
  header: string;
  /** A garbled value for `header`, and the reason logged for it. */
  malformed: { value: string; reason: string };
  /** Reason logged for a missing `header` and for a wrong secret. */
  missingReason: string;
  wrongReason: string;
  /** The scheme signs a timestamp, so stale and future requests are refused. */
  timestamped: boolean;
  /** The scheme covers the body, so a tampered body is refused (API keys and tokens do not). */
  signsBody: boolean;
}

const CAREEM_SECRET = "careem_secret_key_client_123";
const STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STD_OTHER = "whsec_" + Buffer.from("another secret of enough length").toString("base64");

const schemes: Scheme[] = [
  {
    provider: "careem",
    config: { secret: CAREEM_SECRET, clientId: "client_123" },
    wrongSecret: "careem_secret_key_client_999",
    body: () => order(`careem_${randomUUID()}`),
    sign: (body, o = {}) => {
      const ts = String(o.timestamp ?? nowS());
      return {
        "x-careem-signature": hmacHex(o.secret ?? CAREEM_SECRET, `${ts}.${body}`),
        "x-careem-timestamp": ts,
        "x-careem-client-id": "client_123",
      };
    },
    header: "x-careem-signature",
    malformed: { value: "zz-not-hex", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: true,
    signsBody: true,
  },
  {
    provider: "talabat",
    config: { apiKey: "talabat_api_key_client_123" },
    wrongSecret: "talabat_api_key_client_999",
    body: () => order(`talabat_${randomUUID()}`, "order_notification"),
    sign: (_body, o = {}) => ({ "x-talabat-api-key": o.secret ?? "talabat_api_key_client_123" }),
    header: "x-talabat-api-key",
    malformed: { value: "talabat api key with spaces", reason: "invalid_credentials" },
    missingReason: "missing_credentials",
    wrongReason: "invalid_credentials",
    timestamped: false,
    signsBody: false,
  },
  {
    provider: "deliveroo",
    config: { secret: "deliveroo_secret_key_client_123" },
    wrongSecret: "deliveroo_secret_key_client_999",
    body: () => order(`deliveroo_${randomUUID()}`, "order_event", "placed"),
    sign: (body, o = {}) => ({
      "x-deliveroo-hmac-sha256": hmacB64(o.secret ?? "deliveroo_secret_key_client_123", body),
    }),
    header: "x-deliveroo-hmac-sha256",
    malformed: { value: "not base64 at all!", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: false,
    signsBody: true,
  },
  {
    provider: "jahez",
    config: { token: "jahez_bearer_token_client_123" },
    wrongSecret: "jahez_bearer_token_client_999",
    body: () => order(`jahez_${randomUUID()}`, "order_action", "delivered"),
    sign: (_body, o = {}) => ({ authorization: `Bearer ${o.secret ?? "jahez_bearer_token_client_123"}` }),
    header: "authorization",
    malformed: { value: "Basic amFoZXo6dG9rZW4=", reason: "invalid_credentials" },
    missingReason: "missing_credentials",
    wrongReason: "invalid_credentials",
    timestamped: false,
    signsBody: false,
  },
  {
    provider: "standard-webhooks",
    config: { secret: STD_SECRET },
    wrongSecret: STD_OTHER,
    body: () => JSON.stringify({ type: "invoice.paid", data: { id: randomUUID() } }),
    sign: (body, o = {}) => {
      const ts = o.timestamp ?? nowS();
      const id = o.id ?? `msg_${randomUUID()}`;
      return {
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": new Webhook(o.secret ?? STD_SECRET).sign(id, new Date(ts * 1000), body),
      };
    },
    header: "webhook-signature",
    malformed: { value: "v1,***", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: true,
    signsBody: true,
  },
  {
    provider: "stripe",
    config: { secret: "whsec_stripe_test_secret" },
    wrongSecret: "whsec_stripe_other_secret",
    body: () =>
      JSON.stringify({
        id: `evt_${randomUUID()}`,
        object: "event",
        type: "invoice.paid",
        data: { object: {} },
      }),
    sign: (body, o = {}) => ({
      "stripe-signature": stripeSdk.webhooks.generateTestHeaderString({
        payload: body,
        secret: o.secret ?? "whsec_stripe_test_secret",
        timestamp: o.timestamp ?? nowS(),
      }),
    }),
    header: "stripe-signature",
    malformed: { value: "t=abc", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: true,
    signsBody: true,
  },
  {
    provider: "github",
    config: { secret: "github_webhook_secret" },
    wrongSecret: "github_other_secret",
    body: () => JSON.stringify({ action: "opened", number: Math.floor(Math.random() * 1e9) }),
    sign: (body, o = {}) => ({
      "x-hub-signature-256": `sha256=${hmacHex(o.secret ?? "github_webhook_secret", body)}`,
      "x-github-event": "pull_request",
      "x-github-delivery": randomUUID(),
    }),
    header: "x-hub-signature-256",
    malformed: { value: "sha1=0123456789abcdef", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: false,
    signsBody: true,
  },
  {
    provider: "shopify",
    config: { secret: "shopify_client_secret" },
    wrongSecret: "shopify_other_secret",
    body: () => JSON.stringify({ id: Math.floor(Math.random() * 1e12), total_price: "10.00" }),
    sign: (body, o = {}) => ({
      "x-shopify-hmac-sha256": hmacB64(o.secret ?? "shopify_client_secret", body),
      "x-shopify-topic": "orders/create",
      "x-shopify-webhook-id": randomUUID(),
    }),
    header: "x-shopify-hmac-sha256",
    malformed: { value: "%%%", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: false,
    signsBody: true,
  },
  {
    provider: "hmac",
    config: {
      secret: "generic_secret",
      header: "X-Acme-Signature",
      prefix: "sha256=",
      template: "{timestamp}.{body}",
      timestampHeader: "X-Acme-Timestamp",
      idHeader: "X-Acme-Id",
      eventTypeField: "event",
    },
    wrongSecret: "generic_other",
    body: () => JSON.stringify({ event: "invoice.created", id: randomUUID() }),
    sign: (body, o = {}) => {
      const ts = String(o.timestamp ?? nowS());
      return {
        "x-acme-signature": `sha256=${hmacHex(o.secret ?? "generic_secret", `${ts}.${body}`)}`,
        "x-acme-timestamp": ts,
        "x-acme-id": o.id ?? randomUUID(),
      };
    },
    header: "x-acme-signature",
    malformed: { value: "sha256=xyz", reason: "malformed_signature" },
    missingReason: "missing_signature",
    wrongReason: "invalid_signature",
    timestamped: true,
    signsBody: true,
  },
];

const GENERIC_401 = { code: "invalid_signature", detail: "The webhook signature could not be verified" };

describe.each(schemes)("ingest: $provider", (scheme) => {
  let app: { id: string; uid: string };
  let source: { id: string };
  let url: string;

  beforeAll(async () => {
    app = await createApp();
    source = await createSource(app.id, scheme.provider, scheme.config);
    url = `/ingest/${source.id}`;
  });

  async function expectRejected(body: string, headers: Record<string, string>, reason: string) {
    const res = await post(url, body, headers);
    expect(res.statusCode).toBe(401);
    // Every failure gets the same answer; only the log tells them apart.
    expect(res.json()).toEqual(GENERIC_401);
    const logged = await lastRequest(app.id, source.id);
    expect(logged).toMatchObject({ status: "rejected", reason, msgId: null });
  }

  it("accepts a correctly signed request and turns it into a message", async () => {
    const body = scheme.body();
    const res = await post(url, body, scheme.sign(body));
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out).toMatchObject({ status: "accepted" });
    expect(out.id).toMatch(/^req_/);
    expect(out.msgId).toMatch(/^msg_/);
    const msg = await api("GET", `/api/v1/app/${app.id}/msg/${out.msgId}`);
    expect(msg.status).toBe(200);
    expect(msg.body.channels).toEqual([scheme.provider]);
    expect(await lastRequest(app.id, source.id)).toMatchObject({
      id: out.id,
      status: "accepted",
      msgId: out.msgId,
    });
  });

  it("answers a redelivery of the same event as a duplicate and does not relay it", async () => {
    const body = scheme.body();
    const headers = scheme.sign(body);
    const first = await post(url, body, headers);
    expect(first.statusCode).toBe(200);
    const again = await post(url, body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: "duplicate", msgId: first.json().msgId });
    const messages = await api("GET", `/api/v1/app/${app.id}/msg?limit=250`);
    expect(messages.body.data.filter((m: { id: string }) => m.id === first.json().msgId)).toHaveLength(1);
    expect(await lastRequest(app.id, source.id)).toMatchObject({
      status: "duplicate",
      msgId: first.json().msgId,
    });
  });

  it("refuses a request signed with another secret", async () => {
    const body = scheme.body();
    await expectRejected(body, scheme.sign(body, { secret: scheme.wrongSecret }), scheme.wrongReason);
  });

  it("refuses a request without its signature header", async () => {
    const body = scheme.body();
    const headers = scheme.sign(body);
    delete headers[scheme.header];
    await expectRejected(body, headers, scheme.missingReason);
  });

  it("refuses a malformed signature header", async () => {
    const body = scheme.body();
    await expectRejected(
      body,
      { ...scheme.sign(body), [scheme.header]: scheme.malformed.value },
      scheme.malformed.reason,
    );
  });

  // API keys and bearer tokens authenticate the sender but not the body, so only signing
  // schemes can refuse a tampered one.
  if (scheme.signsBody) {
    it("refuses a tampered body", async () => {
      const body = scheme.body();
      const headers = scheme.sign(body);
      await expectRejected(body.replace("}", ',"injected":true}'), headers, "invalid_signature");
    });
  }

  if (scheme.timestamped) {
    it("refuses a stale and a future timestamp", async () => {
      const body = scheme.body();
      await expectRejected(
        body,
        scheme.sign(body, { timestamp: nowS() - 306 }),
        "timestamp_out_of_tolerance",
      );
      await expectRejected(
        body,
        scheme.sign(body, { timestamp: nowS() + 306 }),
        "timestamp_out_of_tolerance",
      );
    });
  }
});

describe("ingest: Careem specifics", () => {
  it("refuses a request from another Careem client id, even when signed with the right secret", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "careem", { secret: CAREEM_SECRET, clientId: "client_123" });
    const body = order("careem_other_client");
    const headers = { ...schemes[0]!.sign(body), "x-careem-client-id": "client_999" };
    const res = await post(`/webhooks/careem/${app.uid}`, body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(GENERIC_401);
    expect(await lastRequest(app.id, source.id)).toMatchObject({ reason: "client_id_mismatch" });
  });

  it("accepts an order at /webhooks/careem/{app uid or id} and publishes it as canonical order.created", async () => {
    const app = await createApp();
    const endpoint = await api("POST", `/api/v1/app/${app.id}/endpoint`, {
      url: "https://example.com/orders",
    });
    expect(endpoint.status).toBe(201);
    await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    for (const ref of [app.uid, app.id]) {
      const body = order(`careem_${ref}`);
      const res = await post(`/webhooks/careem/${ref}`, body, schemes[0]!.sign(body));
      expect(res.statusCode, res.body).toBe(200);
      const msg = await api("GET", `/api/v1/app/${app.id}/msg/${res.json().msgId}`);
      expect(msg.body.eventType).toBe("order.created");
      expect(msg.body.payload).toMatchObject({
        provider: "careem",
        providerEventType: "order.created",
        orderId: `careem_${ref}`,
        orderNumber: "ORD-789",
        total: { amount: "52.00", currency: "AED" },
        original: JSON.parse(body),
      });
    }
    // One delivery per message to the application's endpoint, once the worker's fan-out ran.
    await t.expand();
    const deliveries = await t.store.db
      .selectFrom("deliveries")
      .select("msg_id")
      .where("app_id", "=", app.id)
      .execute();
    expect(deliveries).toHaveLength(2);
  });

  it("keeps unknown event types under the provider's prefix", async () => {
    const app = await createApp();
    await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    const body = JSON.stringify({ event_type: "driver.assigned", data: { driver: "d1" } });
    const res = await post(`/webhooks/careem/${app.uid}`, body, schemes[0]!.sign(body));
    const msg = await api("GET", `/api/v1/app/${app.id}/msg/${res.json().msgId}`);
    expect(msg.body.eventType).toBe("careem.driver.assigned");
    expect(msg.body.payload).toEqual({
      provider: "careem",
      providerEventType: "driver.assigned",
      original: JSON.parse(body),
    });
  });

  it("reads the body as raw bytes whatever the content type, and keeps Shopify topics filterable", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "shopify", { secret: "shopify_client_secret" });
    const body = '{"id": 1,   "note": "spacing matters"}';
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/octet-stream",
    ]) {
      const headers = { ...schemes[7]!.sign(body), "content-type": contentType };
      const res = await post(`/ingest/${source.id}`, body, headers);
      expect(res.statusCode, contentType).toBe(200);
      const msg = await api("GET", `/api/v1/app/${app.id}/msg/${res.json().msgId}`);
      expect(msg.body.eventType).toBe("shopify.orders.create");
    }
    const noType = await t.app.inject({
      method: "POST",
      url: `/ingest/${source.id}`,
      payload: body,
      headers: schemes[7]!.sign(body),
    });
    expect(noType.statusCode).toBe(200);
  });

  it("accepts a signed body that is not JSON and keeps its text", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "hmac", { secret: "s3cret", header: "x-sig" });
    const body = "a=1&b=two";
    const res = await post(`/ingest/${source.id}`, body, {
      "content-type": "application/x-www-form-urlencoded",
      "x-sig": hmacHex("s3cret", body),
    });
    expect(res.statusCode).toBe(200);
    const msg = await api("GET", `/api/v1/app/${app.id}/msg/${res.json().msgId}`);
    expect(msg.body).toMatchObject({ eventType: "hmac.unknown", payload: { original: body } });
    const logged = await api("GET", `/api/v1/app/${app.id}/source/${source.id}/request/${res.json().id}`);
    // The generic scheme's configured header is a secret too.
    expect(logged.body.headers["x-sig"]).toBe("[redacted]");
  });
});

describe("ingest: refusals before verification", () => {
  it("answers 404 for an unknown provider, application, source, or a provider without platform URL", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "stripe", { secret: "whsec_x" });
    await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    for (const path of [
      "/webhooks/nope/" + app.uid,
      "/webhooks/careem/no-such-app",
      "/webhooks/careem/app_0000000000000000000000",
      "/webhooks/stripe/" + app.uid,
      "/ingest/src_0000000000000000000000",
      "/ingest/not-an-id",
    ]) {
      const res = await post(path, "{}", {});
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toEqual({ code: "not_found", detail: "Source not found" });
    }
    expect((await post(`/ingest/${source.id}`, "{}", {})).statusCode).toBe(401);
  });

  it("refuses addresses outside the allowlist with 403, IPv4-mapped IPv6 included", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "talabat", {
      apiKey: "talabat_api_key_client_123",
      ipAllowlist: ["203.0.113.0/24", "2001:db8::/32"],
    });
    const body = order("allow");
    const headers = { "x-talabat-api-key": "talabat_api_key_client_123" };
    const url = `/ingest/${source.id}`;
    expect((await post(url, body, headers, "203.0.113.9")).statusCode).toBe(200);
    expect((await post(url, order("allow-2"), headers, "::ffff:203.0.113.10")).statusCode).toBe(200);
    expect((await post(url, order("allow-3"), headers, "2001:db8::1")).statusCode).toBe(200);
    for (const ip of ["198.51.100.1", "127.0.0.1", "2001:db9::1"]) {
      const res = await post(url, order(`deny-${ip}`), headers, ip);
      expect(res.statusCode, ip).toBe(403);
      expect(res.json()).toMatchObject({ code: "ip_not_allowed" });
    }
    // The allowlist is checked before the credentials: a refused address learns nothing about them.
    expect((await post(url, body, {}, "198.51.100.1")).statusCode).toBe(403);
    const logged = await api("GET", `/api/v1/app/${app.id}/source/${source.id}/request?status=rejected`);
    expect(logged.body.data[0]).toMatchObject({ reason: "ip_not_allowed", sourceIp: "198.51.100.1" });
  });

  it("answers 429 with Retry-After once any window is exhausted, before checking signatures", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "jahez", {
      token: "jahez_bearer_token_client_123",
      rateLimits: [
        { points: 10, durationSeconds: 3600 },
        { points: 2, durationSeconds: 30 },
      ],
    });
    const url = `/ingest/${source.id}`;
    const headers = { authorization: "Bearer jahez_bearer_token_client_123" };
    expect((await post(url, order("rl-1"), headers)).statusCode).toBe(200);
    expect((await post(url, order("rl-2"), headers)).statusCode).toBe(200);
    const limited = await post(url, order("rl-3"), headers);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "rate_limited" });
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    // An unsigned flood is refused by the limit too, without signature work.
    expect((await post(url, order("rl-4"), {})).statusCode).toBe(429);
    expect(await lastRequest(app.id, source.id)).toMatchObject({
      status: "rejected",
      reason: "rate_limited",
    });
  });

  it("applies the provider's documented limits by default", async () => {
    const app = await createApp();
    const careem = await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    expect(careem).toMatchObject({
      config: {
        rateLimits: [
          { points: 1000, durationSeconds: 60 },
          { points: 10000, durationSeconds: 3600 },
          { points: 100000, durationSeconds: 86400 },
          { points: 200, durationSeconds: 10 },
        ],
      },
    });
    const source = await createSource(app.id, "talabat", { apiKey: "talabat_api_key_client_123" });
    const url = `/ingest/${source.id}`;
    const headers = { "x-talabat-api-key": "talabat_api_key_client_123" };
    // Talabat's burst limit is 100 per 10 s: the 101st request within the burst is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await post(url, order(`burst-${i}`), headers)).statusCode);
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
  });

  it("refuses a body over the limit with 413 JSON", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    const big = JSON.stringify({ event_type: "order.created", blob: "x".repeat(t.config.bodyLimitBytes) });
    const res = await post(`/ingest/${source.id}`, big, schemes[0]!.sign(big));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: "payload_too_large" });
  });
});

describe("ingest: de-duplication", () => {
  it("accepts exactly one of two copies arriving together", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    for (let round = 0; round < 5; round++) {
      const body = order(`together-${round}`);
      const headers = schemes[0]!.sign(body);
      const answers = await Promise.all([1, 2, 3].map(() => post(`/ingest/${source.id}`, body, headers)));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      const statuses = answers.map((a) => a.json().status as string).sort();
      expect(statuses).toEqual(["accepted", "duplicate", "duplicate"]);
      const msgIds = new Set(answers.map((a) => a.json().msgId as string));
      expect(msgIds.size).toBe(1);
    }
  });

  it("accepts a copy again once the 24-hour window of the first has passed", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    const body = order("window");
    const first = await post(`/ingest/${source.id}`, body, schemes[0]!.sign(body));
    expect(first.json().status).toBe("accepted");
    await t.store.db
      .updateTable("inbound_requests")
      // Time passes for the stored copy: its arrival and the end of its hold (a day: Careem signs a timestamp).
      .set({ received_at: Date.now() - 24 * 3_600_000 - 1_000, dedupe_until: Date.now() - 1_000 })
      .where("id", "=", first.json().id)
      .execute();
    const later = await post(`/ingest/${source.id}`, body, schemes[0]!.sign(body));
    expect(later.json()).toMatchObject({ status: "accepted" });
    expect(later.json().msgId).not.toBe(first.json().msgId);
    // The later copy now holds the window.
    const third = await post(`/ingest/${source.id}`, body, schemes[0]!.sign(body));
    expect(third.json()).toMatchObject({ status: "duplicate", msgId: later.json().msgId });
  });

  it("keeps the event ids of different sources apart", async () => {
    const a = await createApp();
    const b = await createApp();
    const sa = await createSource(a.id, "careem", { secret: CAREEM_SECRET });
    const sb = await createSource(b.id, "careem", { secret: CAREEM_SECRET });
    const body = order("same-event-two-sources");
    expect((await post(`/ingest/${sa.id}`, body, schemes[0]!.sign(body))).json().status).toBe("accepted");
    expect((await post(`/ingest/${sb.id}`, body, schemes[0]!.sign(body))).json().status).toBe("accepted");
  });
});

describe("ingest: bad input is a 4xx, never a 5xx", () => {
  it("answers odd but signed bodies and odd requests without a server error", async () => {
    const app = await createApp();
    const source = await createSource(app.id, "careem", { secret: CAREEM_SECRET });
    const url = `/ingest/${source.id}`;
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    const deepOrder = `{"event_type":"order.created","data":${deep}}`;
    const odd = [deep, deepOrder, "null", "[]", '"text"', "", "\u0000\u0001", "{".repeat(10), '{"event_type": 5}'];
    for (const body of odd) {
      const res = await post(url, body, schemes[0]!.sign(body));
      expect(res.statusCode, body.slice(0, 20)).toBeLessThan(500);
    }
    // Too deep to serialize again: relayed with the body as text.
    const msg = await api("GET", `/api/v1/app/${app.id}/msg?limit=250`);
    const originals = msg.body.data.map((m: { payload: { original?: unknown } }) => m.payload.original);
    expect(originals).toContain(deep);
    expect(originals).toContain(deepOrder);

    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const ts = String(nowS());
    const sig = createHmac("sha256", CAREEM_SECRET).update(`${ts}.`).update(invalidUtf8).digest("hex");
    const binary = await post(url, invalidUtf8, { "x-careem-timestamp": ts, "x-careem-signature": sig });
    expect(binary.statusCode).toBe(200);

    for (const path of [`/webhooks/careem/${"a".repeat(300)}`, "/webhooks/careem/%E0%A4%A", "/ingest/%00"]) {
      const res = await post(path, "{}", {});
      expect(res.statusCode, path).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, path).toBeLessThan(500);
      expect(res.json()).toHaveProperty("code");
    }
    const twoSignatures = await t.app.inject({
      method: "POST",
      url,
      payload: "{}",
      headers: { "x-careem-signature": ["aa", "bb"], "x-careem-timestamp": String(nowS()) },
    });
    expect(twoSignatures.statusCode).toBe(401);
  });
});
