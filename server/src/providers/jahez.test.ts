import { describe, expect, it } from "vitest";

import { jahez } from "./jahez.js";

const TOKEN = "jahez_bearer_token_client_123";
const config = jahez.configSchema.parse({ token: TOKEN });
const NOW = new Date("2024-09-27T10:30:00Z");
const BODY = JSON.stringify({
  event_type: "order_action",
  data: { order: { id: "jz_1", status: "delivered" } },
});

function request(authorization: string | undefined) {
  return { rawBody: Buffer.from(BODY), headers: { authorization } };
}

describe("jahez.verify", () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN}`])("accepts %j", (authorization) => {
    expect(jahez.verify(request(authorization), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a missing Authorization header", () => {
    expect(jahez.verify(request(undefined), config, NOW)).toEqual({
      ok: false,
      reason: "missing_credentials",
    });
  });

  it.each([
    ["another token", "Bearer jahez_bearer_token_client_999"],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, -1)}`],
    ["the bare token", TOKEN],
    ["another scheme", `Basic ${TOKEN}`],
    ["an empty bearer", "Bearer "],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
  ])("rejects %s", (_label, authorization) => {
    expect(jahez.verify(request(authorization), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });
});

describe("jahez event type and id", () => {
  it("reads event_type, defaulting to the one type Jahez documents", () => {
    expect(jahez.eventType(JSON.parse(BODY), {}, config)).toBe("order_action");
    expect(jahez.eventType({ data: {} }, {}, config)).toBe("order_action");
  });

  it("keys de-duplication on the body alone", () => {
    const key = (headers = {}) =>
      jahez.dedupeKey({ rawBody: Buffer.from(BODY), body: JSON.parse(BODY), headers }, config);
    expect(key()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(key({ authorization: `Bearer ${TOKEN}`, "x-event-id": "e2" })).toBe(key());
  });
});
