import { createHmac, generateKeyPairSync, sign } from "node:crypto";

import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { checkSignature } from "./signature-check.js";

const CURRENT = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PREVIOUS = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const BODY = '{"type":"invoice.paid","amount":12.30}';
const NOW = Date.parse("2026-11-29T12:00:00Z");
const TS = Math.floor(NOW / 1000);

// Signed by the standardwebhooks reference library, never by the code under test.
const signed = (secret: string, body = BODY, ts = TS, id = "msg_1") => new Webhook(secret).sign(id, new Date(ts * 1000), body);
const headers = (signature: string, ts = TS, id = "msg_1") => ({ "Webhook-Id": id, "Webhook-Timestamp": String(ts), "Webhook-Signature": signature });
const keys = [
  { label: "current", secret: CURRENT },
  { label: "previous 1", secret: PREVIOUS },
];
const check = (h: Record<string, string>, body = BODY, now = NOW) => checkSignature({ headers: h, body, keys, toleranceSeconds: 300, now });

describe("checkSignature", () => {
  it("accepts a valid request and says which key matched and what was signed", () => {
    const r = check(headers(signed(CURRENT)));
    expect(r).toMatchObject({ valid: true, reason: "ok", headerFamily: "webhook", msgId: "msg_1", skewSeconds: 0, signedContent: `msg_1.${TS}.${BODY}` });
    expect(r.signatures).toEqual([{ version: "v1", wellFormed: true, matchedKey: "current" }]);
    expect(JSON.stringify(r)).not.toContain(signed(CURRENT).slice(3)); // no signature bytes in the report
  });

  it("names the previous key during a rotation, and reads every entry", () => {
    const both = `${signed(PREVIOUS)} v1,${"A".repeat(43)}=`;
    const r = check(headers(both));
    expect(r.valid).toBe(true);
    expect(r.signatures).toEqual([
      { version: "v1", wellFormed: true, matchedKey: "previous 1" },
      { version: "v1", wellFormed: true, matchedKey: null },
    ]);
  });

  it("reads svix-* headers", () => {
    const sig = signed(CURRENT);
    expect(check({ "svix-id": "msg_1", "svix-timestamp": String(TS), "svix-signature": sig })).toMatchObject({ valid: true, headerFamily: "svix" });
  });

  it("explains each failure", () => {
    expect(check({})).toMatchObject({ valid: false, reason: "missing_headers", headerFamily: null });
    expect(check({ "webhook-signature": signed(CURRENT), "webhook-id": "msg_1" })).toMatchObject({ reason: "missing_headers" });
    expect(check(headers(signed(CURRENT)), `${BODY} `)).toMatchObject({ valid: false, reason: "no_match" });
    expect(check(headers(signed("whsec_" + Buffer.alloc(24, 7).toString("base64"))))).toMatchObject({ reason: "no_match" });
    expect(check(headers("v1,short"))).toMatchObject({ reason: "no_signatures", signatures: [{ version: "v1", wellFormed: false, matchedKey: null }] });
    expect(check({ ...headers(signed(CURRENT)), "Webhook-Timestamp": "2026-11-29" })).toMatchObject({ reason: "invalid_timestamp" });
  });

  it("refuses stale and future timestamps even when the signature matches, and says so", () => {
    const stale = check(headers(signed(CURRENT, BODY, TS - 600), TS - 600));
    expect(stale).toMatchObject({ valid: false, reason: "timestamp_too_old", skewSeconds: 600 });
    expect(stale.detail).toContain("the signature itself matches");
    expect(stale.signatures[0]!.matchedKey).toBe("current");
    expect(check(headers(signed(CURRENT, BODY, TS + 400), TS + 400))).toMatchObject({ reason: "timestamp_in_future", skewSeconds: -400 });
  });

  it("verifies v1a (ed25519) signatures with a whpk_ public key", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
    const signature = sign(null, Buffer.from(`msg_1.${TS}.${BODY}`), privateKey).toString("base64");
    const withKey = (k: string) => checkSignature({ headers: headers(`v1a,${signature}`), body: BODY, keys: [{ label: "public key", publicKey: k }], toleranceSeconds: 300, now: NOW });
    expect(withKey(`whpk_${raw.toString("base64")}`)).toMatchObject({ valid: true, signatures: [{ version: "v1a", wellFormed: true, matchedKey: "public key" }] });
    const other = Buffer.from(generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!, "base64url");
    expect(withKey(`whpk_${other.toString("base64")}`)).toMatchObject({ valid: false, reason: "no_match" });
    expect(withKey("whpk_short")).toMatchObject({ valid: false, reason: "invalid_key" });
  });

  it("checks seed 003's X-Webhook-Signature (t=…,v1=<hex>) with the secret's text as the HMAC key", () => {
    const hex = (secret: string, t: number, body = BODY) => createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    const x = (value: string) => ({ "X-Webhook-Signature": value, "X-Webhook-ID": "msg_1", "X-Webhook-Event": "invoice.paid" });
    const ok = check(x(`t=${TS},v1=${hex(CURRENT, TS)}`));
    expect(ok).toMatchObject({ valid: true, headerFamily: "x-webhook", msgId: "msg_1", timestamp: String(TS), skewSeconds: 0, signedContent: `${TS}.${BODY}` });
    expect(ok.signatures).toEqual([{ version: "v1", wellFormed: true, matchedKey: "current" }]);
    expect(check(x(`t=${TS},v1=${hex("whsec_other", TS)},v1=${hex(PREVIOUS, TS)}`)).signatures.map((s) => s.matchedKey)).toEqual([null, "previous 1"]);
    expect(check(x(`t=${TS},v1=${hex(CURRENT, TS)}`), `${BODY} `)).toMatchObject({ valid: false, reason: "no_match" });
    expect(check(x(`t=${TS - 600},v1=${hex(CURRENT, TS - 600)}`))).toMatchObject({ valid: false, reason: "timestamp_too_old" });
    expect(check(x(`t=${TS * 1000},v1=${hex(CURRENT, TS * 1000)}`))).toMatchObject({ valid: false, reason: "invalid_timestamp" });
    expect(check(x(`t=${TS * 1000},v1=x`)).detail).toContain("milliseconds");
    expect(check(x(`v1=${hex(CURRENT, TS)}`))).toMatchObject({ valid: false, reason: "missing_headers" });
    expect(check(x(`t=${TS},v1=abc`))).toMatchObject({ valid: false, reason: "no_signatures" });
  });
});
