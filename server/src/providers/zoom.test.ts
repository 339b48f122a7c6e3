import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { zoom } from "./zoom.js";

// Zoom publishes no worked example with a result, so the signatures here are computed as its
// "Verify webhook events" page describes: HMAC-SHA256 of "v0:{timestamp}:{body}", hex, "v0=" prefix.
const SECRET = "zoom-secret-token-abc123";
const config = zoom.configSchema.parse({ secret: SECRET });
const NOW = new Date();
const TS = String(Math.floor(NOW.getTime() / 1000));
const BODY = JSON.stringify({ event: "meeting.started", event_ts: 1764400000000, payload: { account_id: "a", object: { uuid: "u1==", id: 85 } } });

const sign = (body: string, ts = TS, secret = SECRET) => `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
const request = (signature: string | undefined, body = BODY, ts = TS) => ({
  rawBody: Buffer.from(body),
  headers: { "x-zm-signature": signature, "x-zm-request-timestamp": ts },
});

describe("zoom", () => {
  it("verifies x-zm-signature over v0:{timestamp}:{body}", () => {
    expect(zoom.verify(request(sign(BODY)), config, NOW)).toEqual({ ok: true });
    expect(zoom.verify(request(sign(BODY), BODY.replace("85", "86")), config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(zoom.verify(request(sign(BODY, TS, "other")), config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(zoom.verify(request(undefined), config, NOW)).toEqual({ ok: false, reason: "missing_signature" });
    const old = String(Number(TS) - 3600);
    expect(zoom.verify(request(sign(BODY, old), BODY, old), config, NOW)).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it("reads the event name and object id", () => {
    const body = JSON.parse(BODY) as unknown;
    expect(zoom.eventType(body, {}, config)).toBe("meeting.started");
    expect(zoom.eventId(body, {}, config)).toBe("u1==");
    expect(zoom.dedupeKey({ rawBody: Buffer.from(BODY), body, headers: {} }, config)).toMatch(/^sha256:/);
  });

  it("answers endpoint.url_validation with the plain token and its HMAC", () => {
    const answer = zoom.challenge?.({ event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" } }, config);
    expect(answer).toEqual({
      plainToken: "qgg8vlvZRS6UYooatFL8Aw",
      encryptedToken: createHmac("sha256", SECRET).update("qgg8vlvZRS6UYooatFL8Aw").digest("hex"),
    });
    expect(zoom.challenge?.(JSON.parse(BODY), config)).toBeUndefined();
  });
});
