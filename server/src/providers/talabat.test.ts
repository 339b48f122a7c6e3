import { describe, expect, it } from "vitest";

import { talabat } from "./talabat.js";

const config = talabat.configSchema.parse({ apiKey: "talabat_api_key_client_123" });
const BODY = JSON.stringify({
  event_type: "order_notification",
  timestamp: "2024-09-27T10:30:00Z",
  data: { order: { id: "tb_1" } },
});
const NOW = new Date("2024-09-27T10:30:00Z");

function request(apiKey: string | undefined, body = BODY) {
  return {
    rawBody: Buffer.from(body),
    headers: { "x-talabat-api-key": apiKey, "content-type": "application/json" },
  };
}

describe("talabat.verify", () => {
  it("accepts the configured API key", () => {
    expect(talabat.verify(request("talabat_api_key_client_123"), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a missing or empty key", () => {
    expect(talabat.verify(request(undefined), config, NOW)).toEqual({
      ok: false,
      reason: "missing_credentials",
    });
    expect(talabat.verify(request(""), config, NOW)).toEqual({ ok: false, reason: "missing_credentials" });
  });

  it.each([
    ["another key", "talabat_api_key_client_999"],
    ["a prefix of the key", "talabat_api_key_client_12"],
    ["the key with a suffix", "talabat_api_key_client_1234"],
    ["different case", "TALABAT_API_KEY_CLIENT_123"],
    ["surrounding space", " talabat_api_key_client_123"],
  ])("rejects %s", (_label, key) => {
    expect(talabat.verify(request(key), config, NOW)).toEqual({ ok: false, reason: "invalid_credentials" });
  });

  it("does not derive the key from the client id as the seed's example does", () => {
    const other = talabat.configSchema.parse({ apiKey: "k_configured" });
    expect(talabat.verify(request("talabat_api_key_client_123"), other, NOW)).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
  });

  it("requires a non-empty key in config", () => {
    expect(talabat.configSchema.safeParse({ apiKey: "" }).success).toBe(false);
  });
});

describe("talabat event type, id and limits", () => {
  it("reads event_type and keys de-duplication on the body alone", () => {
    const body: unknown = JSON.parse(BODY);
    expect(talabat.eventType(body, {}, config)).toBe("order_notification");
    expect(talabat.eventType({}, {}, config)).toBe("unknown");
    const key = (text: string, headers = {}) =>
      talabat.dedupeKey({ rawBody: Buffer.from(text), body: JSON.parse(text), headers }, config);
    expect(key(BODY)).toBe(key(BODY, { "x-request-id": "another" }));
    expect(key(BODY.replace("10:30:00", "10:31:00"))).not.toBe(key(BODY));
  });

  it("documents the seed's limits: 500/min, 5,000/h, burst 100/10 s", () => {
    expect(talabat.defaultRateLimits).toEqual([
      { points: 500, durationSeconds: 60 },
      { points: 5000, durationSeconds: 3600 },
      { points: 100, durationSeconds: 10 },
    ]);
  });
});
