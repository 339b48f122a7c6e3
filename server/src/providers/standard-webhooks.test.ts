import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import type { InboundHeaders } from "./provider.js";
import { standardWebhooks } from "./standard-webhooks.js";

// Signatures come from the `standardwebhooks` reference library, not from the code under test.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_" + Buffer.from("another secret of enough length").toString("base64");
const NOW = new Date("2024-09-27T10:30:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);
const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const BODY = JSON.stringify({ type: "invoice.paid", timestamp: NOW.toISOString(), data: { id: "inv_1" } });

const config = standardWebhooks.configSchema.parse({ secret: SECRET });

function sign(secret = SECRET, at = NOW, id = ID, body = BODY): string {
  return new Webhook(secret).sign(id, at, body);
}

function request(overrides: Record<string, string | undefined> = {}, family = "webhook") {
  const headers: InboundHeaders = {
    [`${family}-id`]: ID,
    [`${family}-timestamp`]: String(NOW_S),
    [`${family}-signature`]: sign(),
    ...overrides,
  };
  return { rawBody: Buffer.from(BODY), headers };
}

const verify = (req: ReturnType<typeof request>, now = NOW) => standardWebhooks.verify(req, config, now);

describe("standardWebhooks.verify", () => {
  it("accepts a request signed by the reference library", () => {
    expect(verify(request())).toEqual({ ok: true });
  });

  it("accepts the svix-* header names", () => {
    const svix = request(
      { "svix-id": ID, "svix-timestamp": String(NOW_S), "svix-signature": sign() },
      "svix",
    );
    expect(verify(svix)).toEqual({ ok: true });
  });

  it("accepts when any one of several signatures matches (secret rotation)", () => {
    const both = `${sign(OTHER_SECRET)} ${sign()}`;
    expect(verify(request({ "webhook-signature": both }))).toEqual({ ok: true });
    const withAsymmetric = `v1a,${Buffer.alloc(64).toString("base64")} ${sign()}`;
    expect(verify(request({ "webhook-signature": withAsymmetric }))).toEqual({ ok: true });
  });

  it("accepts a secret configured without the whsec_ prefix", () => {
    const bare = standardWebhooks.configSchema.parse({ secret: SECRET.slice("whsec_".length) });
    expect(standardWebhooks.verify(request(), bare, NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body", () => {
    const req = { ...request(), rawBody: Buffer.from(BODY.replace("inv_1", "inv_2")) };
    expect(verify(req)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("rejects another secret, another message id and another timestamp", () => {
    expect(verify(request({ "webhook-signature": sign(OTHER_SECRET) }))).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(verify(request({ "webhook-id": "msg_other" }))).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(verify(request({ "webhook-timestamp": String(NOW_S - 1) }))).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it.each([
    ["stale", -301],
    ["future", 301],
  ])("rejects a %s timestamp", (_label, offset) => {
    const at = new Date((NOW_S + offset) * 1000);
    const req = request({
      "webhook-timestamp": String(NOW_S + offset),
      "webhook-signature": sign(SECRET, at),
    });
    expect(verify(req)).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it("rejects a request without a signature header", () => {
    expect(verify(request({ "webhook-signature": undefined }))).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it("rejects a signature whose message id is missing, even if svix-id is present", () => {
    expect(verify(request({ "webhook-id": undefined, "svix-id": ID }))).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it.each([
    ["absent", undefined],
    ["NaN", "abc"],
    ["a number with junk", `${NOW_S}abc`],
    ["ISO 8601", NOW.toISOString()],
    ["milliseconds", String(NOW.getTime())],
  ])("rejects a timestamp that is %s", (_label, ts) => {
    expect(verify(request({ "webhook-timestamp": ts }))).toEqual({ ok: false, reason: "invalid_timestamp" });
  });

  it.each([
    ["garbage", "garbage"],
    ["v1, with nothing", "v1,"],
    ["v1 without a comma", "v1"],
    ["wrong length", "v1,AAAA"],
    ["non-base64", `v1,${"@".repeat(44)}`],
    ["hex instead of base64", () => `v1,${Buffer.from(sign().slice(3), "base64").toString("hex")}`],
    ["only another version", () => sign().replace("v1,", "v2,")],
    ["only spaces", "   "],
  ])("rejects a malformed signature: %s", (_label, value) => {
    const sig = typeof value === "function" ? value() : value;
    expect(verify(request({ "webhook-signature": sig }))).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });
});

describe("standardWebhooks config, type and id", () => {
  it("rejects a secret that is not base64", () => {
    expect(standardWebhooks.configSchema.safeParse({ secret: "whsec_!!!" }).success).toBe(false);
    expect(standardWebhooks.configSchema.safeParse({ secret: "whsec_" }).success).toBe(false);
    expect(config.toleranceSeconds).toBe(300);
  });

  it("uses the signed webhook-id (or svix-id) as the event id and the body's type", () => {
    expect(standardWebhooks.eventId(undefined, request().headers, config)).toBe(ID);
    expect(standardWebhooks.eventId(undefined, request({}, "svix").headers, config)).toBe(ID);
    expect(standardWebhooks.eventId(undefined, {}, config)).toBeUndefined();
    // An id of the family the signature was not read from is not covered by it.
    const svix = request({ "webhook-id": "msg_forged" }, "svix");
    expect(standardWebhooks.verify(svix, config, NOW)).toEqual({ ok: true });
    expect(standardWebhooks.dedupeKey({ ...svix, body: JSON.parse(BODY) }, config)).toBe(ID);
    const resigned = request({
      "webhook-timestamp": String(NOW_S + 60),
      "webhook-signature": sign(SECRET, new Date(NOW.getTime() + 60_000)),
    });
    expect(standardWebhooks.dedupeKey({ ...resigned, body: undefined }, config)).toBe(ID);
    expect(standardWebhooks.eventType(JSON.parse(BODY), {}, config)).toBe("invoice.paid");
    expect(standardWebhooks.eventType([], {}, config)).toBe("unknown");
  });
});
