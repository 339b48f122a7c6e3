import { createHmac, randomUUID } from "node:crypto";

import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/*
 * Inbound replay through the real ingest route: a captured, correctly signed call sent again
 * with any header the signature does not cover changed, added or removed is the same call — a
 * duplicate, never a second message. Signatures are made here with node:crypto, the
 * `standardwebhooks` reference library and Stripe's SDK, never by the code under test.
 */

type Headers = Record<string, string>;
/** A change to a captured call's headers that leaves its signature valid. */
type Mutation = [label: string, change: (h: Headers) => Headers];

interface Scheme {
  name: string;
  provider: string;
  config: Record<string, unknown>;
  body(): string;
  /** Headers a real sender would send, signed at `timestamp` (Unix seconds) with message `id`. */
  sign(body: string, o?: { timestamp?: number; id?: string }): Headers;
  /** Unsigned headers changed or removed, beyond the generic ones every scheme gets. */
  unsigned: Mutation[];
  /** The scheme signs an id apart from the body: a new id with the same body is a new event. */
  signsId?: boolean;
  /** The scheme signs a timestamp: the sender's own retry is signed again, later. */
  timestamped?: boolean;
}

const nowS = (): number => Math.floor(Date.now() / 1000);
const hmacHex = (secret: string, content: string) =>
  createHmac("sha256", secret).update(content).digest("hex");
const hmacB64 = (secret: string, content: string) =>
  createHmac("sha256", secret).update(content).digest("base64");
const stripeSdk = new Stripe("sk_test_not_used_for_network");
const STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const without =
  (...names: string[]): Mutation[1] =>
  (h) =>
    Object.fromEntries(Object.entries(h).filter(([k]) => !names.includes(k)));
const set =
  (values: Headers): Mutation[1] =>
  (h) => ({ ...h, ...values });

const order = (type: string, status = "confirmed") =>
  JSON.stringify({ event_type: type, data: { order: { id: randomUUID(), status } } });

/** Headers no scheme signs; any sender or replayer can set them. */
const GENERIC: Mutation[] = [
  ["another content type", set({ "content-type": "text/plain" })],
  ["a request id", set({ "x-request-id": randomUUID() })],
  ["an idempotency key", set({ "idempotency-key": randomUUID() })],
  ["an event id header", set({ "x-event-id": randomUUID(), "x-webhook-id": randomUUID() })],
  ["a user agent", set({ "user-agent": "replayer/1.0" })],
];

function svixSign(body: string, timestamp: number, id: string): Headers {
  return {
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": new Webhook(STD_SECRET).sign(id, new Date(timestamp * 1000), body),
  };
}

const schemes: Scheme[] = [
  {
    name: "careem",
    provider: "careem",
    config: { secret: "careem_secret" },
    body: () => order("order.created"),
    sign: (body, o = {}) => {
      const ts = String(o.timestamp ?? nowS());
      return {
        "x-careem-signature": hmacHex("careem_secret", `${ts}.${body}`),
        "x-careem-timestamp": ts,
        "x-careem-client-id": "client_123",
      };
    },
    unsigned: [
      ["another client id", set({ "x-careem-client-id": "client_999" })],
      ["no client id", without("x-careem-client-id")],
    ],
    timestamped: true,
  },
  {
    name: "talabat",
    provider: "talabat",
    config: { apiKey: "talabat_key" },
    body: () => order("order_notification"),
    sign: () => ({ "x-talabat-api-key": "talabat_key" }),
    unsigned: [],
  },
  {
    name: "deliveroo",
    provider: "deliveroo",
    config: { secret: "deliveroo_secret" },
    body: () => order("order_event", "placed"),
    sign: (body) => ({
      "x-deliveroo-hmac-sha256": hmacB64("deliveroo_secret", body),
      "x-deliveroo-sequence-guid": randomUUID(),
    }),
    unsigned: [
      ["a new sequence guid", set({ "x-deliveroo-sequence-guid": randomUUID() })],
      ["another new sequence guid", set({ "x-deliveroo-sequence-guid": "1499765769" })],
      ["no sequence guid", without("x-deliveroo-sequence-guid")],
    ],
  },
  {
    name: "jahez",
    provider: "jahez",
    config: { token: "jahez_token" },
    body: () => order("order_action", "delivered"),
    sign: () => ({ authorization: "Bearer jahez_token" }),
    unsigned: [["the scheme name in lower case", set({ authorization: "bearer jahez_token" })]],
  },
  {
    name: "standard-webhooks (webhook-*)",
    provider: "standard-webhooks",
    config: { secret: STD_SECRET },
    body: () => JSON.stringify({ type: "invoice.paid", data: { id: randomUUID() } }),
    sign: (body, o = {}) => {
      const ts = o.timestamp ?? nowS();
      const id = o.id ?? `msg_${randomUUID()}`;
      return {
        "webhook-id": id,
        "webhook-timestamp": String(ts),
        "webhook-signature": new Webhook(STD_SECRET).sign(id, new Date(ts * 1000), body),
      };
    },
    // The svix-* family is not read when webhook-signature is present, so it is not signed.
    unsigned: [
      ["svix-* headers with another id", set({ "svix-id": `msg_${randomUUID()}`, "svix-timestamp": "1" })],
    ],
    signsId: true,
    timestamped: true,
  },
  {
    name: "standard-webhooks (svix-*)",
    provider: "standard-webhooks",
    config: { secret: STD_SECRET },
    body: () => JSON.stringify({ type: "invoice.paid", data: { id: randomUUID() } }),
    sign: (body, o = {}) => svixSign(body, o.timestamp ?? nowS(), o.id ?? `msg_${randomUUID()}`),
    // A webhook-id without webhook-signature is outside the signed content.
    unsigned: [["a webhook-id of its own", set({ "webhook-id": `msg_${randomUUID()}` })]],
    signsId: true,
    timestamped: true,
  },
  {
    name: "stripe",
    provider: "stripe",
    config: { secret: "whsec_stripe" },
    body: () => JSON.stringify({ id: `evt_${randomUUID()}`, object: "event", type: "invoice.paid" }),
    sign: (body, o = {}) => ({
      "stripe-signature": stripeSdk.webhooks.generateTestHeaderString({
        payload: body,
        secret: "whsec_stripe",
        timestamp: o.timestamp ?? nowS(),
      }),
    }),
    unsigned: [
      // v0 and unknown schemes are ignored by the verifier, so they can be appended freely.
      [
        "an extra v0 entry",
        (h) => ({ ...h, "stripe-signature": `${h["stripe-signature"]},v0=${"ab".repeat(32)}` }),
      ],
    ],
    timestamped: true,
  },
  {
    name: "github",
    provider: "github",
    config: { secret: "github_secret" },
    body: () => JSON.stringify({ action: "opened", number: Math.floor(Math.random() * 1e9) }),
    sign: (body) => ({
      "x-hub-signature-256": `sha256=${hmacHex("github_secret", body)}`,
      "x-github-event": "pull_request",
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "1",
    }),
    unsigned: [
      ["a new delivery id", set({ "x-github-delivery": randomUUID() })],
      ["no delivery id", without("x-github-delivery")],
      ["another event name", set({ "x-github-event": "issues" })],
      ["another hook id", set({ "x-github-hook-id": "2" })],
    ],
  },
  {
    name: "shopify",
    provider: "shopify",
    config: { secret: "shopify_secret" },
    body: () => JSON.stringify({ id: Math.floor(Math.random() * 1e12), total_price: "10.00" }),
    sign: (body) => ({
      "x-shopify-hmac-sha256": hmacB64("shopify_secret", body),
      "x-shopify-topic": "orders/create",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
    }),
    unsigned: [
      ["a new webhook id", set({ "x-shopify-webhook-id": randomUUID(), "x-shopify-event-id": randomUUID() })],
      ["no webhook id", without("x-shopify-webhook-id", "x-shopify-event-id")],
      ["another topic", set({ "x-shopify-topic": "orders/paid" })],
    ],
  },
  {
    name: "hmac (idHeader outside the template)",
    provider: "hmac",
    config: {
      secret: "generic_secret",
      header: "X-Acme-Signature",
      template: "{timestamp}.{body}",
      timestampHeader: "X-Acme-Timestamp",
      idHeader: "X-Acme-Id",
    },
    body: () => JSON.stringify({ event: "invoice.created", n: randomUUID() }),
    sign: (body, o = {}) => {
      const ts = String(o.timestamp ?? nowS());
      return {
        "x-acme-signature": hmacHex("generic_secret", `${ts}.${body}`),
        "x-acme-timestamp": ts,
        "x-acme-id": o.id ?? randomUUID(),
      };
    },
    unsigned: [
      ["a new id", set({ "x-acme-id": randomUUID() })],
      ["no id", without("x-acme-id")],
    ],
    timestamped: true,
  },
  {
    name: "hmac ({id} signed)",
    provider: "hmac",
    config: {
      secret: "generic_secret",
      header: "X-Acme-Signature",
      template: "{id}.{timestamp}.{body}",
      timestampHeader: "X-Acme-Timestamp",
      idHeader: "X-Acme-Id",
    },
    body: () => JSON.stringify({ event: "invoice.created", n: randomUUID() }),
    sign: (body, o = {}) => {
      const ts = String(o.timestamp ?? nowS());
      const id = o.id ?? randomUUID();
      return {
        "x-acme-signature": hmacHex("generic_secret", `${id}.${ts}.${body}`),
        "x-acme-timestamp": ts,
        "x-acme-id": id,
      };
    },
    unsigned: [],
    signsId: true,
    timestamped: true,
  },
];

describeEachStore("inbound replay on %s", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });

  afterAll(async () => {
    await t.close();
  });

  async function sourceFor(scheme: Scheme) {
    const app = await t.app.inject({
      method: "POST",
      url: "/api/v1/app",
      headers: t.auth,
      payload: { name: scheme.name },
    });
    expect(app.statusCode).toBe(201);
    const appId = app.json().id as string;
    const src = await t.app.inject({
      method: "POST",
      url: `/api/v1/app/${appId}/source`,
      headers: t.auth,
      payload: { name: scheme.name, provider: scheme.provider, config: scheme.config },
    });
    expect(src.statusCode, src.body).toBe(201);
    return { appId, url: `/ingest/${src.json().id as string}` };
  }

  const send = (url: string, body: string, headers: Headers) =>
    t.app.inject({
      method: "POST",
      url,
      payload: body,
      headers: { "content-type": "application/json", ...headers },
    });

  async function messageCount(appId: string): Promise<number> {
    const rows = await t.store.db.selectFrom("messages").select("id").where("app_id", "=", appId).execute();
    return rows.length;
  }

  describe.each(schemes)("$name", (scheme) => {
    it("answers the captured call with any unsigned header changed or removed as a duplicate", async () => {
      const { appId, url } = await sourceFor(scheme);
      const body = scheme.body();
      const captured = scheme.sign(body);
      const first = await send(url, body, captured);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().status).toBe("accepted");
      const msgId = first.json().msgId as string;

      const mutations = [...GENERIC, ...scheme.unsigned];
      if (scheme.timestamped && !scheme.signsId) {
        // The sender's own retry: the same event signed again later (a new timestamp).
        mutations.push(["signed again 60 s later", () => scheme.sign(body, { timestamp: nowS() + 60 })]);
      }
      if (scheme.timestamped && scheme.signsId) {
        const id = (captured["webhook-id"] ?? captured["svix-id"] ?? captured["x-acme-id"])!;
        mutations.push(["signed again 60 s later", () => scheme.sign(body, { timestamp: nowS() + 60, id })]);
      }
      for (const [label, change] of mutations) {
        const replay = await send(url, body, change({ ...captured }));
        expect(replay.statusCode, `${label}: ${replay.body}`).toBe(200);
        expect(replay.json(), label).toMatchObject({ status: "duplicate", msgId });
      }
      expect(await messageCount(appId)).toBe(1);
    });

    it(
      scheme.timestamped
        ? "lets the sender's re-send through after a day: its signed timestamp already refuses replays"
        : "still refuses the captured call a day later: nothing signed dates it",
      async () => {
        const { url } = await sourceFor(scheme);
        const body = scheme.body();
        const captured = scheme.sign(body);
        const first = await send(url, body, captured);
        expect(first.json().status).toBe("accepted");
        // A day and an hour pass for the stored request.
        const shift = 25 * 3_600_000;
        const row = await t.store.db
          .selectFrom("inbound_requests")
          .select(["received_at", "dedupe_until"])
          .where("id", "=", first.json().id)
          .executeTakeFirstOrThrow();
        await t.store.db
          .updateTable("inbound_requests")
          .set({
            received_at: Number(row.received_at) - shift,
            dedupe_until: Number(row.dedupe_until) - shift,
          })
          .where("id", "=", first.json().id)
          .execute();
        const headers = scheme.timestamped
          ? scheme.sign(body, {
              id: captured["webhook-id"] ?? captured["svix-id"] ?? captured["x-acme-id"],
            })
          : captured;
        const later = await send(url, body, headers);
        expect(later.statusCode, later.body).toBe(200);
        expect(later.json().status).toBe(scheme.timestamped ? "accepted" : "duplicate");
      },
    );

    it("accepts a genuinely new event", async () => {
      const { appId, url } = await sourceFor(scheme);
      const body = scheme.body();
      expect((await send(url, body, scheme.sign(body))).json().status).toBe("accepted");
      const other = scheme.body();
      expect((await send(url, other, scheme.sign(other))).json().status).toBe("accepted");
      if (scheme.signsId) {
        // The same body under a new signed id is a new event of the sender's.
        const again = await send(url, body, scheme.sign(body, { id: `msg_${randomUUID()}` }));
        expect(again.json().status).toBe("accepted");
      }
      expect(await messageCount(appId)).toBe(scheme.signsId ? 3 : 2);
    });
  });
});
