import { createHmac } from "node:crypto";

import { Webhook } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/*
 * The providers added for ingest (Slack, Zoom, Segment, HubSpot, Twilio, Clerk, Resend) through
 * the real route: a call signed the way the provider signs it (node:crypto, or the svix library
 * for the Svix-signed ones) becomes a message of the source's application; an unsigned one is
 * refused; the URL handshakes of Slack and Zoom are answered and relay nothing.
 */

const nowS = () => Math.floor(Date.now() / 1000);
const hex = (alg: string, key: string, text: string) => createHmac(alg, key).update(text).digest("hex");
const b64 = (alg: string, key: string, text: string) => createHmac(alg, key).update(text).digest("base64");
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PUBLIC_URL = "https://hooks.example.com/ingest/from-provider";

interface Case {
  provider: string;
  config: Record<string, unknown>;
  contentType: string;
  body: string;
  eventType: string;
  sign(body: string): Record<string, string>;
}

const cases: Case[] = [
  {
    provider: "slack",
    config: { secret: "slack-signing" },
    contentType: "application/json",
    body: JSON.stringify({ type: "event_callback", event_id: "Ev1", event: { type: "app_mention", text: "hi" } }),
    eventType: "app_mention",
    sign: (body) => {
      const ts = String(nowS());
      return { "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${hex("sha256", "slack-signing", `v0:${ts}:${body}`)}` };
    },
  },
  {
    provider: "zoom",
    config: { secret: "zoom-token" },
    contentType: "application/json",
    body: JSON.stringify({ event: "meeting.ended", payload: { object: { uuid: "m1" } } }),
    eventType: "meeting.ended",
    sign: (body) => {
      const ts = String(nowS());
      return { "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${hex("sha256", "zoom-token", `v0:${ts}:${body}`)}` };
    },
  },
  {
    provider: "segment",
    config: { secret: "seg" },
    contentType: "application/json",
    body: JSON.stringify({ type: "identify", messageId: "m-1", userId: "u1" }),
    eventType: "identify",
    sign: (body) => ({ "x-signature": hex("sha1", "seg", body) }),
  },
  {
    provider: "hubspot",
    config: { secret: "hs", url: PUBLIC_URL },
    contentType: "application/json",
    body: JSON.stringify([{ eventId: 7, subscriptionType: "deal.creation", objectId: 1, attemptNumber: 0 }]),
    eventType: "deal.creation",
    sign: (body) => {
      const ts = String(Date.now());
      return { "x-hubspot-request-timestamp": ts, "x-hubspot-signature-v3": b64("sha256", "hs", `POST${PUBLIC_URL}${body}${ts}`) };
    },
  },
  {
    provider: "twilio",
    config: { secret: "tw", url: PUBLIC_URL },
    contentType: "application/x-www-form-urlencoded",
    body: "SmsSid=SM9&MessageStatus=delivered&MessageSid=SM9",
    eventType: "message.delivered",
    sign: () => ({ "x-twilio-signature": b64("sha1", "tw", `${PUBLIC_URL}MessageSidSM9MessageStatusdeliveredSmsSidSM9`) }),
  },
  ...(["clerk", "resend"] as const).map((provider) => ({
    provider,
    config: { secret: WHSEC },
    contentType: "application/json",
    body: JSON.stringify({ type: "user.created", data: { id: "u" } }),
    eventType: "user.created",
    sign: (body: string) => {
      const now = new Date();
      return {
        "svix-id": `msg_${provider}`,
        "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
        "svix-signature": new Webhook(WHSEC).sign(`msg_${provider}`, now, body),
      };
    },
  })),
];

describeEachStore("ingest from the added providers on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function source(provider: string, config: Record<string, unknown>) {
    const app = await t.app.inject({ method: "POST", url: "/api/v1/app", headers: t.auth, payload: { name: provider } });
    expect(app.statusCode).toBe(201);
    const appId = app.json().id as string;
    const src = await t.app.inject({ method: "POST", url: `/api/v1/app/${appId}/source`, headers: t.auth, payload: { name: provider, provider, config } });
    expect(src.statusCode, src.body).toBe(201);
    return { appId, url: `/ingest/${src.json().id as string}` };
  }
  const messages = (appId: string) =>
    t.store.db.selectFrom("messages").select(["event_type", "payload"]).where("app_id", "=", appId).execute();

  it.each(cases)("$provider: a signed call becomes a message, an unsigned one is refused", async (c) => {
    const { appId, url } = await source(c.provider, c.config);
    const post = (headers: Record<string, string>) =>
      t.app.inject({ method: "POST", url, payload: c.body, headers: { "content-type": c.contentType, ...headers } });
    const ok = await post(c.sign(c.body));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: "accepted" });
    const bad = await post({});
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: "invalid_signature" });
    const rows = await messages(appId);
    expect(rows).toHaveLength(1);
    // Relayed under the provider's name, as every source's events are.
    expect(rows[0]!.event_type).toBe(`${c.provider}.${c.eventType}`);
  });

  it("answers Slack's url_verification and Zoom's endpoint.url_validation, and relays neither", async () => {
    const slackSource = await source("slack", { secret: "slack-signing" });
    const body = JSON.stringify({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV", type: "url_verification" });
    const ts = String(nowS());
    const slack = await t.app.inject({
      method: "POST",
      url: slackSource.url,
      payload: body,
      headers: { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": `v0=${hex("sha256", "slack-signing", `v0:${ts}:${body}`)}` },
    });
    expect(slack.statusCode).toBe(200);
    expect(slack.json()).toMatchObject({ status: "handshake", challenge: "3eZbrw1aBm2rZgRNFdxV", msgId: null });

    const zoomSource = await source("zoom", { secret: "zoom-token" });
    const zbody = JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } });
    const zoom = await t.app.inject({
      method: "POST",
      url: zoomSource.url,
      payload: zbody,
      headers: { "content-type": "application/json", "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${hex("sha256", "zoom-token", `v0:${ts}:${zbody}`)}` },
    });
    expect(zoom.statusCode).toBe(200);
    expect(zoom.json()).toMatchObject({
      status: "handshake",
      plainToken: "qgg8vlvZRS6UYooatFL8Aw",
      encryptedToken: hex("sha256", "zoom-token", "qgg8vlvZRS6UYooatFL8Aw"),
    });

    // An unsigned handshake is refused like any call: the answer would prove nothing otherwise.
    const forged = await t.app.inject({ method: "POST", url: zoomSource.url, payload: zbody, headers: { "content-type": "application/json" } });
    expect(forged.statusCode).toBe(401);
    expect(await messages(slackSource.appId)).toHaveLength(0);
    expect(await messages(zoomSource.appId)).toHaveLength(0);
    const logged = await t.store.db.selectFrom("inbound_requests").select(["status", "reason", "msg_id"]).where("app_id", "=", zoomSource.appId).execute();
    expect(logged).toEqual(expect.arrayContaining([{ status: "accepted", reason: "handshake", msg_id: null }]));
  });
});
