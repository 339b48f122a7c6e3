import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newId } from "../../lib/ids.js";
import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";

const CAREEM_SECRET = "careem_secret_key_client_123";
const TALABAT_KEY = "talabat_api_key_client_123";

/*
 * One app of its own, so the totals below are exactly the traffic sent here:
 *   careem (app "stats-a"): 3 accepted, 1 duplicate, 1 missing_signature, 1 invalid_signature
 *   talabat (app "stats-b"): 1 accepted, 1 invalid_credentials, 1 ip_not_allowed
 * plus one careem request logged two days ago, outside the "day" period.
 */
let t: TestApp;
let sourceA: string;

async function api(url: string, auth: Record<string, string> = t.auth) {
  const res = await t.app.inject({ url, headers: auth });
  return { status: res.statusCode, body: res.json() };
}

function careem(body: string, secret = CAREEM_SECRET) {
  const ts = String(Math.floor(Date.now() / 1000));
  return t.app.inject({
    method: "POST",
    url: "/webhooks/careem/stats-a",
    payload: body,
    headers: {
      "content-type": "application/json",
      "x-careem-timestamp": ts,
      "x-careem-signature": createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex"),
    },
  });
}

function talabat(body: string, key: string, remoteAddress = "127.0.0.1") {
  return t.app.inject({
    method: "POST",
    url: "/webhooks/talabat/stats-b",
    payload: body,
    headers: { "content-type": "application/json", "x-talabat-api-key": key },
    remoteAddress,
  });
}

const order = (id: string, type = "order.created") =>
  JSON.stringify({ event_type: type, data: { order: { id } } });

beforeAll(async () => {
  t = await startTestApp();
  for (const uid of ["stats-a", "stats-b"]) {
    await t.app.inject({ method: "POST", url: "/api/v1/app", headers: t.auth, payload: { name: uid, uid } });
  }
  const a = await t.app.inject({
    method: "POST",
    url: "/api/v1/app/stats-a/source",
    headers: t.auth,
    payload: { name: "careem", provider: "careem", config: { secret: CAREEM_SECRET } },
  });
  sourceA = a.json().id;
  await t.app.inject({
    method: "POST",
    url: "/api/v1/app/stats-b/source",
    headers: t.auth,
    payload: {
      name: "talabat",
      provider: "talabat",
      config: { apiKey: TALABAT_KEY, ipAllowlist: ["127.0.0.0/8"] },
    },
  });

  const statuses = [
    (await careem(order("s1"))).statusCode,
    (await careem(order("s2"))).statusCode,
    (await careem(order("s3"))).statusCode,
    (await careem(order("s1"))).statusCode,
    (await t.app.inject({ method: "POST", url: "/webhooks/careem/stats-a", payload: order("s4") }))
      .statusCode,
    (await careem(order("s5"), "careem_wrong_secret")).statusCode,
    (await talabat(order("t1", "order_notification"), TALABAT_KEY)).statusCode,
    (await talabat(order("t2", "order_notification"), "wrong")).statusCode,
    (await talabat(order("t3", "order_notification"), TALABAT_KEY, "198.51.100.7")).statusCode,
  ];
  expect(statuses).toEqual([200, 200, 200, 200, 401, 401, 200, 401, 403]);

  const app = await t.store.db
    .selectFrom("applications")
    .select("id")
    .where("uid", "=", "stats-a")
    .executeTakeFirstOrThrow();
  const twoDaysAgo = Date.now() - 2 * 86_400_000;
  await t.store.db
    .insertInto("inbound_requests")
    .values({
      id: newId("req"),
      source_id: sourceA,
      app_id: app.id,
      provider: "careem",
      status: "accepted",
      reason: null,
      provider_event_type: "order.created",
      event_id: null,
      dedupe_key: null,
      msg_id: null,
      source_ip: "127.0.0.1",
      headers: "{}",
      body: "{}",
      body_encoding: "utf8",
      body_truncated: 0,
      size: 2,
      processing_ms: 1000,
      received_at: twoDaysAgo,
      retried_at: null,
    })
    .execute();
});

afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/stats/inbound", () => {
  it("counts requests by outcome, rejections by reason, and splits them by provider", async () => {
    const res = await api("/api/v1/stats/inbound");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      period: "day",
      total: 9,
      accepted: 4,
      duplicate: 1,
      rejected: 4,
      rejectedByReason: {
        missing_signature: 1,
        invalid_signature: 1,
        invalid_credentials: 1,
        ip_not_allowed: 1,
      },
      byProvider: {
        careem: { total: 6, accepted: 3, duplicate: 1, rejected: 2 },
        talabat: { total: 3, accepted: 1, duplicate: 0, rejected: 2 },
      },
    });
    const { p50, p95, p99 } = res.body.processingMs as Record<string, number>;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95!);
    expect(p95).toBeLessThanOrEqual(p99!);
    // The request from two days ago (1,000 ms) is outside the day.
    expect(p99).toBeLessThan(1000);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(86_400_000);
  });

  it("narrows to one provider or one application, and widens with the period", async () => {
    const talabat = await api("/api/v1/stats/inbound?provider=talabat");
    expect(talabat.body).toMatchObject({
      total: 3,
      accepted: 1,
      rejected: 2,
      byProvider: { talabat: { total: 3 } },
    });
    expect(Object.keys(talabat.body.byProvider)).toEqual(["talabat"]);
    const appA = await api("/api/v1/stats/inbound?app=stats-a");
    expect(appA.body).toMatchObject({
      total: 6,
      rejectedByReason: { missing_signature: 1, invalid_signature: 1 },
    });
    const week = await api("/api/v1/stats/inbound?app=stats-a&period=week");
    expect(week.body).toMatchObject({ period: "week", total: 7, accepted: 4 });
    expect(week.body.processingMs.p99).toBe(1000);
    const month = await api("/api/v1/stats/inbound?period=month");
    expect(month.body.total).toBe(10);
    const none = await api("/api/v1/stats/inbound?provider=stripe");
    expect(none.body).toMatchObject({
      total: 0,
      processingMs: { p50: null, p95: null, p99: null },
      byProvider: {},
    });
  });

  it("refuses an unknown period (422) and an unknown application (404)", async () => {
    expect((await api("/api/v1/stats/inbound?period=year")).status).toBe(422);
    expect((await api("/api/v1/stats/inbound?app=nope")).status).toBe(404);
    expect((await t.app.inject({ url: "/api/v1/stats/inbound" })).statusCode).toBe(401);
  });

  it("shows an application-scoped token only its own application", async () => {
    const app = await t.store.db
      .selectFrom("applications")
      .select("id")
      .where("uid", "=", "stats-b")
      .executeTakeFirstOrThrow();
    const token = await t.services.tokens.create(CLI_ACTOR, { name: "portal", appId: app.id });
    const auth = { authorization: `Bearer ${token.token}` };
    const own = await api("/api/v1/stats/inbound", auth);
    expect(own.body).toMatchObject({ total: 3, byProvider: { talabat: { total: 3 } } });
    expect((await api("/api/v1/stats/inbound?app=stats-a", auth)).status).toBe(404);
  });

  it("feeds the inbound figures of the dashboard overview", async () => {
    const overview = await api("/api/v1/stats/overview?period=day");
    expect(overview.body.inbound).toEqual({ accepted: 4, rejected: 4, duplicate: 1 });
    const appB = await api("/api/v1/stats/overview?period=day&app_id=stats-b");
    expect(appB.body.inbound).toEqual({ accepted: 1, rejected: 2, duplicate: 0 });
  });
});
