import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { deliveroo } from "./deliveroo.js";

const SECRET = "deliveroo_secret_key_client_123";
const config = deliveroo.configSchema.parse({ secret: SECRET });
const NOW = new Date("2024-09-27T10:30:00Z");
const BODY = JSON.stringify({ event_type: "order_event", data: { order: { id: "dr_1", status: "placed" } } });

const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

function request(signature: string | undefined, body = BODY) {
  return { rawBody: Buffer.from(body), headers: { "x-deliveroo-hmac-sha256": signature } };
}

describe("deliveroo.verify", () => {
  it("accepts a base64 HMAC-SHA256 of the body, padded or not", () => {
    expect(deliveroo.verify(request(sign(BODY)), config, NOW)).toEqual({ ok: true });
    expect(deliveroo.verify(request(sign(BODY).replace(/=+$/, "")), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body and another secret", () => {
    const tampered = { ...request(sign(BODY)), rawBody: Buffer.from(BODY.replace("placed", "cancelled")) };
    expect(deliveroo.verify(tampered, config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(deliveroo.verify(request(sign(BODY, "other")), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a missing signature", () => {
    expect(deliveroo.verify(request(undefined), config, NOW)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it.each([
    ["garbage", "not a signature!"],
    ["hex of the right digest", () => Buffer.from(sign(BODY), "base64").toString("hex")],
    ["too short", () => Buffer.alloc(31).toString("base64")],
    ["too long", () => Buffer.alloc(33).toString("base64")],
    ["base64url alphabet", () => sign(BODY).replace(/\+/g, "-").replace(/\//g, "_") + "-_"],
    ["embedded space", () => `${sign(BODY).slice(0, 10)} ${sign(BODY).slice(10)}`],
    ["over-padded", () => `${sign(BODY)}=`],
  ])("rejects a malformed signature: %s", (_label, value) => {
    const sig = typeof value === "function" ? value() : value;
    expect(deliveroo.verify(request(sig), config, NOW)).toEqual({ ok: false, reason: "malformed_signature" });
  });
});

describe("deliveroo event type and id", () => {
  it("reads event_type, defaulting to order_event", () => {
    expect(deliveroo.eventType(JSON.parse(BODY), {}, config)).toBe("order_event");
    expect(deliveroo.eventType(undefined, {}, config)).toBe("order_event");
  });

  it("shows X-Deliveroo-Sequence-Guid but keys de-duplication on the signed body only", () => {
    const body: unknown = JSON.parse(BODY);
    expect(deliveroo.eventId(body, { "x-deliveroo-sequence-guid": "1499765769" }, config)).toBe("1499765769");
    const key = (headers: Record<string, string>) =>
      deliveroo.dedupeKey({ rawBody: Buffer.from(BODY), body, headers }, config);
    const digest = key({});
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The guid is not signed: a replay with a new one is the same call.
    expect(key({ "x-deliveroo-sequence-guid": "1499765769" })).toBe(digest);
    expect(key({ "x-deliveroo-sequence-guid": "another" })).toBe(digest);
  });
});
