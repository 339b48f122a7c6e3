import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { hubspot } from "./hubspot.js";

// Vector computed with HubSpot's official library (@hubspot/api-client 13.5.0,
// Signature.getSignature("POST", "v3", …)) for this secret, URL, body and timestamp.
const SECRET = "a4b3c2d1-hubspot-client-secret";
const URL = "https://hooks.example.com/ingest/src_123";
const TIMESTAMP = "1764400000000";
const BODY = JSON.stringify([
  { eventId: 100, subscriptionId: 2, portalId: 62515, occurredAt: 1764400000000, subscriptionType: "contact.creation", attemptNumber: 0, objectId: 123, changeSource: "CRM", changeFlag: "NEW" },
]);
const LIBRARY_SIGNATURE = "ny2a/JuH3jzM61EcEL99gDpgIIF+6vlRuv8c1aTwVRM=";
const config = hubspot.configSchema.parse({ secret: SECRET, url: URL });
const AT = new Date(Number(TIMESTAMP) + 60_000);

const request = (signature: string | undefined, body = BODY, timestamp = TIMESTAMP) => ({
  rawBody: Buffer.from(body),
  headers: { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": timestamp },
});

describe("hubspot.verify (v3)", () => {
  it("accepts the signature HubSpot's own library computes", () => {
    expect(hubspot.verify(request(LIBRARY_SIGNATURE), config, AT)).toEqual({ ok: true });
  });

  it("rejects another URL, a tampered body, a moved timestamp and a stale call", () => {
    const other = hubspot.configSchema.parse({ secret: SECRET, url: `${URL}/other` });
    expect(hubspot.verify(request(LIBRARY_SIGNATURE), other, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(hubspot.verify(request(LIBRARY_SIGNATURE, BODY.replace("123", "124")), config, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(hubspot.verify(request(LIBRARY_SIGNATURE, BODY, String(Number(TIMESTAMP) + 1)), config, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(hubspot.verify(request(LIBRARY_SIGNATURE), config, new Date(Number(TIMESTAMP) + 301_000))).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
    expect(hubspot.verify(request(undefined), config, AT)).toEqual({ ok: false, reason: "missing_signature" });
    const hex = createHmac("sha256", SECRET).update("x").digest("hex");
    expect(hubspot.verify(request(hex), config, AT)).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("requires the target URL in its configuration", () => {
    expect(hubspot.configSchema.safeParse({ secret: SECRET }).success).toBe(false);
  });
});

describe("hubspot events", () => {
  it("types a batch by its shared subscriptionType and keys it on the signed event ids", () => {
    const body = JSON.parse(BODY) as unknown;
    expect(hubspot.eventType(body, {}, config)).toBe("contact.creation");
    expect(hubspot.eventType([{ subscriptionType: "a.b" }, { subscriptionType: "c.d" }], {}, config)).toBe("batch");
    expect(hubspot.eventId([{ eventId: 2 }, { eventId: 1 }], {}, config)).toBe("2,1");
    // A retry bumps attemptNumber inside the body: the key must not change.
    const retry = BODY.replace('"attemptNumber":0', '"attemptNumber":1');
    const key = (raw: string) => hubspot.dedupeKey({ rawBody: Buffer.from(raw), body: JSON.parse(raw), headers: {} }, config);
    expect(key(retry)).toBe(key(BODY));
    expect(key(BODY)).toBe("events:100");
  });
});
