import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { careem } from "./careem.js";
import type { InboundHeaders } from "./provider.js";

const SECRET = "careem_secret_key_client_123";
const NOW = new Date("2024-09-27T10:30:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

// The sample payload from the integration guide (seed 001, section 2.1), trimmed.
const BODY = JSON.stringify({
  event_type: "order.created",
  timestamp: "2024-09-27T10:30:00Z",
  data: { order: { id: "careem_order_12345", status: "confirmed", total_amount: "52.00", currency: "AED" } },
});

function sign(timestamp: string, body: string | Buffer, secret = SECRET): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

function request(overrides: Record<string, string | undefined> = {}, body: string | Buffer = BODY) {
  const timestamp = String(NOW_S);
  const headers: InboundHeaders = {
    "x-careem-timestamp": timestamp,
    "x-careem-signature": sign(timestamp, body),
    "x-careem-client-id": "client_123",
    ...overrides,
  };
  return { rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body), headers };
}

const config = careem.configSchema.parse({ secret: SECRET });
const verify = (req: ReturnType<typeof request>, cfg = config, now = NOW) => careem.verify(req, cfg, now);

describe("careem.verify", () => {
  it("accepts a correctly signed request", () => {
    expect(verify(request())).toEqual({ ok: true });
  });

  it("accepts a millisecond timestamp, which the seed's own signing example produces", () => {
    const ms = String(NOW.getTime());
    expect(verify(request({ "x-careem-timestamp": ms, "x-careem-signature": sign(ms, BODY) }))).toEqual({
      ok: true,
    });
  });

  it("accepts an upper-case hex signature", () => {
    const sig = sign(String(NOW_S), BODY).toUpperCase();
    expect(verify(request({ "x-careem-signature": sig }))).toEqual({ ok: true });
  });

  it("verifies the raw bytes, including bytes that are not valid UTF-8", () => {
    const raw = Buffer.concat([
      Buffer.from('{"event_type":"x","n":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    expect(verify(request({}, raw))).toEqual({ ok: true });
    const mangled = Buffer.from(raw.toString("utf8"));
    expect(verify({ ...request({}, raw), rawBody: mangled })).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a tampered body", () => {
    const req = request();
    const tampered = Buffer.from(BODY.replace("52.00", "5.00"));
    expect(verify({ ...req, rawBody: tampered })).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("rejects a re-serialised body (whitespace differs from what was signed)", () => {
    const req = request();
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY), null, 2));
    expect(verify({ ...req, rawBody: pretty })).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("rejects a signature made with another secret", () => {
    const ts = String(NOW_S);
    expect(verify(request({ "x-careem-signature": sign(ts, BODY, "other") }))).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a timestamp that was not the one signed", () => {
    const signedTs = String(NOW_S - 10);
    const req = request({ "x-careem-signature": sign(signedTs, BODY), "x-careem-timestamp": String(NOW_S) });
    expect(verify(req)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it.each([
    ["stale", -301],
    ["future", 301],
  ])("rejects a %s timestamp beyond the 300 s default tolerance", (_label, offset) => {
    const ts = String(NOW_S + offset);
    expect(verify(request({ "x-careem-timestamp": ts, "x-careem-signature": sign(ts, BODY) }))).toEqual({
      ok: false,
      reason: "timestamp_out_of_tolerance",
    });
  });

  it("accepts a timestamp exactly at the tolerance edge and honours a configured tolerance", () => {
    const ts = String(NOW_S - 300);
    const req = request({ "x-careem-timestamp": ts, "x-careem-signature": sign(ts, BODY) });
    expect(verify(req)).toEqual({ ok: true });
    const strict = careem.configSchema.parse({ secret: SECRET, toleranceSeconds: 60 });
    expect(verify(req, strict)).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it("rejects a request without a signature", () => {
    expect(verify(request({ "x-careem-signature": undefined }))).toEqual({
      ok: false,
      reason: "missing_signature",
    });
    expect(verify(request({ "x-careem-signature": "" }))).toEqual({ ok: false, reason: "missing_signature" });
  });

  it.each([
    ["absent", undefined],
    ["NaN", "abc"],
    ["ISO 8601", "2024-09-27T10:30:00Z"],
    ["fractional", "1727433000.5"],
    ["negative", "-1727433000"],
    ["exponent", "1.7e9"],
  ])("rejects a timestamp that is %s", (_label, ts) => {
    const req = request({ "x-careem-timestamp": ts, "x-careem-signature": sign(ts ?? "", BODY) });
    expect(verify(req)).toEqual({ ok: false, reason: "invalid_timestamp" });
  });

  it.each([
    ["garbage", "not-a-signature"],
    ["too short", "ab".repeat(31)],
    ["too long", "ab".repeat(33)],
    ["odd length", "a".repeat(63)],
    ["non-hex", "g".repeat(64)],
    ["valid digest with trailing junk", () => sign(String(NOW_S), BODY) + "zz"],
    ["base64 of the right digest", () => Buffer.from(sign(String(NOW_S), BODY), "hex").toString("base64")],
    ["sha256= prefixed", () => `sha256=${sign(String(NOW_S), BODY)}`],
  ])("rejects a malformed signature: %s", (_label, value) => {
    const sig = typeof value === "function" ? value() : value;
    expect(verify(request({ "x-careem-signature": sig }))).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  describe("client id", () => {
    const withClient = careem.configSchema.parse({ secret: SECRET, clientId: "client_123" });

    it("accepts the configured client id", () => {
      expect(verify(request(), withClient)).toEqual({ ok: true });
    });

    it("rejects another or a missing client id", () => {
      expect(verify(request({ "x-careem-client-id": "client_999" }), withClient)).toEqual({
        ok: false,
        reason: "client_id_mismatch",
      });
      expect(verify(request({ "x-careem-client-id": undefined }), withClient)).toEqual({
        ok: false,
        reason: "client_id_mismatch",
      });
    });

    it("reports the signature, not the client id, for an unsigned request", () => {
      const req = request({ "x-careem-client-id": "client_999", "x-careem-signature": "0".repeat(64) });
      expect(verify(req, withClient)).toEqual({ ok: false, reason: "invalid_signature" });
    });

    it("ignores the header when no client id is configured", () => {
      expect(verify(request({ "x-careem-client-id": "anything" }))).toEqual({ ok: true });
    });
  });

  describe("API key (Authorization: Bearer)", () => {
    const withKey = careem.configSchema.parse({ secret: SECRET, apiKey: "careem_api_key" });

    it("accepts the configured key", () => {
      expect(verify(request({ authorization: "Bearer careem_api_key" }), withKey)).toEqual({ ok: true });
    });

    it.each([
      [undefined, "missing_credentials"],
      ["Bearer wrong_key", "invalid_credentials"],
      ["Basic careem_api_key", "invalid_credentials"],
      ["careem_api_key", "invalid_credentials"],
    ])("rejects Authorization %s", (authorization, reason) => {
      expect(verify(request({ authorization }), withKey)).toEqual({ ok: false, reason });
    });
  });
});

describe("careem config", () => {
  it("defaults the tolerance to 300 s and requires a secret", () => {
    expect(config.toleranceSeconds).toBe(300);
    expect(careem.configSchema.safeParse({}).success).toBe(false);
    expect(careem.configSchema.safeParse({ secret: "" }).success).toBe(false);
    expect(careem.configSchema.safeParse({ secret: "s", toleranceSeconds: -1 }).success).toBe(false);
  });

  it("documents the seed's rate limits: 1,000/min, 10,000/h, 100,000/day, burst 200/10 s", () => {
    expect(careem.defaultRateLimits).toEqual([
      { points: 1000, durationSeconds: 60 },
      { points: 10000, durationSeconds: 3600 },
      { points: 100000, durationSeconds: 86400 },
      { points: 200, durationSeconds: 10 },
    ]);
  });
});

describe("careem event type and id", () => {
  const body: unknown = JSON.parse(BODY);

  it("reads event_type from the envelope", () => {
    expect(careem.eventType(body, {}, config)).toBe("order.created");
    expect(careem.eventType({ data: {} }, {}, config)).toBe("unknown");
    expect(careem.eventType("text", {}, config)).toBe("unknown");
  });

  it("keys a redelivery, even signed at another time, like the first and a different event apart", () => {
    const key = (body: string, ts: string) =>
      careem.dedupeKey(
        { rawBody: Buffer.from(body), body: JSON.parse(body), headers: { "x-careem-timestamp": ts } },
        config,
      );
    const id = key(BODY, String(NOW_S));
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(key(BODY, String(NOW_S + 60))).toBe(id);
    expect(key(BODY.replace("order.created", "order.cancelled"), String(NOW_S))).not.toBe(id);
    // Careem sends no event id of its own.
    expect(careem.eventId(body, {}, config)).toBeUndefined();
  });
});
