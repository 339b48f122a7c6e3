import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { segment } from "./segment.js";

// As Segment's Webhooks destination documents it: X-Signature = hex HMAC-SHA1 of the body.
const SECRET = "segment-shared-secret";
const config = segment.configSchema.parse({ secret: SECRET });
const NOW = new Date();
const BODY = JSON.stringify({ type: "track", event: "Order Completed", messageId: "ajs-next-1", properties: { total: 12.3 } });
const sign = (body: string, secret = SECRET) => createHmac("sha1", secret).update(body).digest("hex");
const request = (signature: string | undefined, body = BODY) => ({ rawBody: Buffer.from(body), headers: { "x-signature": signature } });

describe("segment", () => {
  it("verifies X-Signature, the hex HMAC-SHA1 of the body", () => {
    expect(segment.verify(request(sign(BODY)), config, NOW)).toEqual({ ok: true });
    expect(segment.verify(request(sign(BODY)), config, NOW)).toEqual({ ok: true });
    expect(segment.verify(request(sign(BODY), BODY.replace("12.3", "1.23")), config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(segment.verify(request(sign(BODY, "x")), config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(segment.verify(request(undefined), config, NOW)).toEqual({ ok: false, reason: "missing_signature" });
    const sha256 = createHmac("sha256", SECRET).update(BODY).digest("hex");
    expect(segment.verify(request(sha256), config, NOW)).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("types track calls by event name and keys on the signed messageId", () => {
    const body = JSON.parse(BODY) as unknown;
    expect(segment.eventType(body, {}, config)).toBe("track.Order Completed");
    expect(segment.eventType({ type: "identify" }, {}, config)).toBe("identify");
    expect(segment.eventType({}, {}, config)).toBe("unknown");
    expect(segment.dedupeKey({ rawBody: Buffer.from(BODY), body, headers: {} }, config)).toBe("ajs-next-1");
    expect(segment.signsTimestamp(config)).toBe(false);
  });
});
