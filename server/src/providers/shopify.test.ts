import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { shopify } from "./shopify.js";

const SECRET = "shpss_0123456789abcdef";
const config = shopify.configSchema.parse({ secret: SECRET });
const NOW = new Date();
const BODY = JSON.stringify({ id: 820982911946154500, email: "jon@example.com", total_price: "403.00" });

const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

function request(signature: string | undefined, body = BODY) {
  return { rawBody: Buffer.from(body), headers: { "x-shopify-hmac-sha256": signature } };
}

describe("shopify.verify", () => {
  it("accepts the base64 HMAC-SHA256 of the body", () => {
    expect(shopify.verify(request(sign(BODY)), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body and another secret", () => {
    expect(shopify.verify(request(sign(BODY), BODY.replace("403.00", "4.00")), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(shopify.verify(request(sign(BODY, "other")), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a missing signature", () => {
    expect(shopify.verify(request(undefined), config, NOW)).toEqual({
      ok: false,
      reason: "missing_signature",
    });
  });

  it.each([
    ["garbage", "garbage"],
    ["hex digest", () => createHmac("sha256", SECRET).update(BODY).digest("hex")],
    ["wrong length", Buffer.alloc(20).toString("base64")],
    ["invalid characters", `${"*".repeat(43)}=`],
  ])("rejects a malformed signature: %s", (_label, value) => {
    const sig = typeof value === "function" ? value() : value;
    expect(shopify.verify(request(sig), config, NOW)).toEqual({ ok: false, reason: "malformed_signature" });
  });
});

describe("shopify event type and id", () => {
  it("reads the topic and webhook id headers", () => {
    const headers = {
      "x-shopify-topic": "orders/create",
      "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    };
    expect(shopify.eventType(JSON.parse(BODY), headers, config)).toBe("orders/create");
    expect(shopify.eventId(JSON.parse(BODY), headers, config)).toBe("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    expect(shopify.eventType(JSON.parse(BODY), {}, config)).toBe("unknown");
    expect(shopify.eventId(JSON.parse(BODY), {}, config)).toBeUndefined();
  });

  it("keys de-duplication on the signed body, not the unsigned webhook id", () => {
    const key = (headers: Record<string, string>, body = BODY) =>
      shopify.dedupeKey({ rawBody: Buffer.from(body), body: JSON.parse(body), headers }, config);
    expect(key({ "x-shopify-webhook-id": "a" })).toBe(key({ "x-shopify-webhook-id": "b" }));
    expect(key({})).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(key({}, BODY.replace("403.00", "404.00"))).not.toBe(key({}));
  });
});
