import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { hmac } from "./hmac.js";
import type { InboundHeaders } from "./provider.js";

const SECRET = "generic_secret";
const NOW = new Date("2024-09-27T10:30:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);
const BODY = JSON.stringify({ event: { name: "invoice.created" }, id: "ev_1" });

const digest = (algorithm: string, content: string, encoding: "hex" | "base64", secret = SECRET) =>
  createHmac(algorithm, secret).update(content).digest(encoding);

const request = (headers: InboundHeaders, body = BODY) => ({ rawBody: Buffer.from(body), headers });

describe("hmac.verify with the defaults (sha256, hex, {body})", () => {
  const config = hmac.configSchema.parse({ secret: SECRET, header: "X-Signature" });

  it("accepts a hex HMAC-SHA256 of the body in the configured header (name lower-cased)", () => {
    expect(config.header).toBe("x-signature");
    expect(hmac.verify(request({ "x-signature": digest("sha256", BODY, "hex") }), config, NOW)).toEqual({
      ok: true,
    });
  });

  it("rejects a tampered body, another secret, a missing and a malformed header", () => {
    const sig = digest("sha256", BODY, "hex");
    expect(hmac.verify(request({ "x-signature": sig }, `${BODY} `), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(hmac.verify(request({ "x-signature": digest("sha256", BODY, "hex", "x") }), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(hmac.verify(request({}), config, NOW)).toEqual({ ok: false, reason: "missing_signature" });
    for (const bad of [
      "garbage",
      sig.slice(2),
      `${sig}00`,
      "q".repeat(64),
      digest("sha256", BODY, "base64"),
    ]) {
      expect(hmac.verify(request({ "x-signature": bad }), config, NOW)).toEqual({
        ok: false,
        reason: "malformed_signature",
      });
    }
  });
});

describe("hmac.verify with prefix, other algorithms and encodings", () => {
  it("requires the prefix (sha1, hex, sha1=)", () => {
    const config = hmac.configSchema.parse({
      secret: SECRET,
      header: "x-hub-signature",
      algorithm: "sha1",
      prefix: "sha1=",
    });
    const sig = digest("sha1", BODY, "hex");
    expect(hmac.verify(request({ "x-hub-signature": `sha1=${sig}` }), config, NOW)).toEqual({ ok: true });
    expect(hmac.verify(request({ "x-hub-signature": sig }), config, NOW)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
    // A sha256-length digest is the wrong length for sha1.
    expect(
      hmac.verify(request({ "x-hub-signature": `sha1=${digest("sha256", BODY, "hex")}` }), config, NOW),
    ).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it("verifies sha512 in base64", () => {
    const config = hmac.configSchema.parse({
      secret: SECRET,
      header: "x-sig",
      algorithm: "sha512",
      encoding: "base64",
    });
    expect(hmac.verify(request({ "x-sig": digest("sha512", BODY, "base64") }), config, NOW)).toEqual({
      ok: true,
    });
    expect(hmac.verify(request({ "x-sig": digest("sha256", BODY, "base64") }), config, NOW)).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });
});

describe("hmac.verify with a template over timestamp and id", () => {
  const config = hmac.configSchema.parse({
    secret: SECRET,
    header: "x-sig",
    template: "v0:{timestamp}:{id}:{body}",
    timestampHeader: "X-Timestamp",
    idHeader: "X-Request-Id",
  });
  const signed = (ts: string, id = "req_1") => ({
    "x-sig": digest("sha256", `v0:${ts}:${id}:${BODY}`, "hex"),
    "x-timestamp": ts,
    "x-request-id": id,
  });

  it("accepts content built from the template", () => {
    expect(hmac.verify(request(signed(String(NOW_S))), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a changed id or timestamp", () => {
    expect(hmac.verify(request({ ...signed(String(NOW_S)), "x-request-id": "req_2" }), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(
      hmac.verify(request({ ...signed(String(NOW_S)), "x-timestamp": String(NOW_S + 1) }), config, NOW),
    ).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects stale, future, NaN and missing timestamps", () => {
    for (const offset of [-301, 301]) {
      expect(hmac.verify(request(signed(String(NOW_S + offset))), config, NOW)).toEqual({
        ok: false,
        reason: "timestamp_out_of_tolerance",
      });
    }
    expect(hmac.verify(request(signed("NaN")), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_timestamp",
    });
    expect(hmac.verify(request({ ...signed(String(NOW_S)), "x-timestamp": undefined }), config, NOW)).toEqual(
      {
        ok: false,
        reason: "invalid_timestamp",
      },
    );
  });

  it("rejects a request whose signed id header is absent", () => {
    expect(
      hmac.verify(request({ ...signed(String(NOW_S)), "x-request-id": undefined }), config, NOW),
    ).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
  });

  it("uses the signed id header as the event id and the de-duplication key", () => {
    expect(hmac.eventId(undefined, { "x-request-id": "req_9" }, config)).toBe("req_9");
    expect(hmac.dedupeKey({ ...request({ "x-request-id": "req_9" }), body: undefined }, config)).toBe(
      "req_9",
    );
  });

  it("keys on the body digest when the id header is not in the signed template", () => {
    const unsigned = hmac.configSchema.parse({ secret: SECRET, header: "x-sig", idHeader: "x-request-id" });
    const key = (id: string) =>
      hmac.dedupeKey({ ...request({ "x-request-id": id }), body: undefined }, unsigned);
    expect(key("req_1")).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(key("req_2")).toBe(key("req_1"));
    expect(hmac.eventId(undefined, { "x-request-id": "req_1" }, unsigned)).toBe("req_1");
  });
});

describe("hmac config", () => {
  const base = { secret: SECRET, header: "x-sig" };

  it.each([
    ["an unknown placeholder", { template: "{timestamp}.{payload}", timestampHeader: "x-ts" }],
    ["no {body}", { template: "{timestamp}", timestampHeader: "x-ts" }],
    ["{timestamp} without timestampHeader", { template: "{timestamp}.{body}" }],
    ["{id} without idHeader", { template: "{id}.{body}" }],
    ["an unsupported algorithm", { algorithm: "md5" }],
  ])("rejects %s", (_label, extra) => {
    expect(hmac.configSchema.safeParse({ ...base, ...extra }).success).toBe(false);
  });

  it("fills defaults", () => {
    expect(hmac.configSchema.parse(base)).toMatchObject({
      algorithm: "sha256",
      encoding: "hex",
      prefix: "",
      template: "{body}",
      toleranceSeconds: 300,
    });
  });
});

describe("hmac event type", () => {
  const body: unknown = JSON.parse(BODY);

  it("reads a dot path, a header (which wins), or reports unknown", () => {
    const byField = hmac.configSchema.parse({
      secret: SECRET,
      header: "x-sig",
      eventTypeField: "event.name",
    });
    expect(hmac.eventType(body, {}, byField)).toBe("invoice.created");
    expect(hmac.eventType({ event: "flat" }, {}, byField)).toBe("unknown");
    const byHeader = hmac.configSchema.parse({ ...byField, eventTypeHeader: "X-Event" });
    expect(hmac.eventType(body, { "x-event": "from.header" }, byHeader)).toBe("from.header");
    const neither = hmac.configSchema.parse({ secret: SECRET, header: "x-sig" });
    expect(hmac.eventType(body, {}, neither)).toBe("unknown");
    expect(hmac.eventId(body, {}, neither)).toBeUndefined();
  });

  it("does not read through prototypes", () => {
    const config = hmac.configSchema.parse({
      secret: SECRET,
      header: "x-sig",
      eventTypeField: "constructor.name",
    });
    expect(hmac.eventType({}, {}, config)).toBe("unknown");
  });
});
