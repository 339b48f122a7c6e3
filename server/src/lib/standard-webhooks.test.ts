import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import {
  generateSecret,
  liveSecrets,
  parseSecret,
  secretKey,
  signatureCandidates,
  signatureMatches,
  signPayload,
  unexpiredSecrets,
  withSecretPrefix,
} from "./standard-webhooks.js";

const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

function headers(id: string, timestamp: number, signature: string): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

describe("signPayload", () => {
  it("matches the published Standard Webhooks vector", () => {
    expect(signPayload(VECTOR.id, VECTOR.timestamp, VECTOR.body, [VECTOR.secret])).toBe(VECTOR.signature);
  });

  it("accepts a raw base64 secret without the whsec_ prefix", () => {
    const raw = VECTOR.secret.slice("whsec_".length);
    expect(signPayload(VECTOR.id, VECTOR.timestamp, VECTOR.body, [raw])).toBe(VECTOR.signature);
  });

  it("is verified by the standardwebhooks library", () => {
    const secret = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: "user.created", data: { id: 1, name: "Zoë" } });
    const signature = signPayload("msg_1", now, body, [secret]);
    expect(new Webhook(secret).verify(body, headers("msg_1", now, signature))).toEqual(JSON.parse(body));
  });

  it("signs with every secret during a rotation, each verifying alone", () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const now = Math.floor(Date.now() / 1000);
    const body = '{"ok":true}';
    const signature = signPayload("msg_2", now, body, [newSecret, oldSecret]);
    expect(signature.split(" ")).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers("msg_2", now, signature))).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers("msg_2", now, signature))).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers("msg_2", now, signature))).toThrow();
  });

  it("binds id, timestamp and body into the signature", () => {
    const secret = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const signature = signPayload("msg_3", now, "{}", [secret]);
    const wh = new Webhook(secret);
    expect(() => wh.verify('{"x":1}', headers("msg_3", now, signature))).toThrow();
    expect(() => wh.verify("{}", headers("msg_4", now, signature))).toThrow();
    expect(() => wh.verify("{}", headers("msg_3", now + 1, signature))).toThrow();
  });

  it("refuses an empty secret", () => {
    expect(() => signPayload("m", 1, "{}", ["whsec_"])).toThrow(/empty/);
  });
});

describe("generateSecret", () => {
  it("is whsec_ plus 24 random bytes in base64", () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(24);
    expect(generateSecret()).not.toBe(a);
  });
});

describe("parseSecret", () => {
  it("decodes the part after whsec_, with or without the prefix", () => {
    const parsed = parseSecret(VECTOR.secret);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.key.toString("base64")).toBe(VECTOR.secret.slice("whsec_".length));
    expect(parseSecret(VECTOR.secret.slice("whsec_".length))).toEqual(parsed);
  });

  it("refuses empty and non-base64 secrets, and secretKey throws for them", () => {
    for (const bad of ["whsec_", "", "whsec_!!!", "whsec_ab cd"]) {
      expect(parseSecret(bad)).toEqual({ ok: false, error: "signing secret is empty or not base64" });
      expect(() => secretKey(bad)).toThrow(/empty or not base64/);
    }
  });

  it("withSecretPrefix adds the prefix only when missing", () => {
    expect(withSecretPrefix("abc")).toBe("whsec_abc");
    expect(withSecretPrefix("whsec_abc")).toBe("whsec_abc");
  });
});

describe("signatureMatches", () => {
  const key = secretKey(VECTOR.secret);
  const ts = String(VECTOR.timestamp);

  it("accepts the published vector, as text or raw bytes", () => {
    const candidates = signatureCandidates(VECTOR.signature);
    expect(candidates).toHaveLength(1);
    expect(signatureMatches(key, VECTOR.id, ts, VECTOR.body, candidates)).toBe(true);
    expect(signatureMatches(key, VECTOR.id, ts, Buffer.from(VECTOR.body), candidates)).toBe(true);
  });

  it("finds the matching entry among several, skipping other versions and malformed ones", () => {
    const other = signPayload(VECTOR.id, VECTOR.timestamp, VECTOR.body, [generateSecret()]);
    const header = `v1a,abc ${other} v1,not-base64 ${VECTOR.signature}`;
    expect(signatureCandidates(header)).toHaveLength(2);
    expect(signatureMatches(key, VECTOR.id, ts, VECTOR.body, signatureCandidates(header))).toBe(true);
    expect(signatureMatches(key, VECTOR.id, ts, VECTOR.body, signatureCandidates(other))).toBe(false);
  });

  it("rejects a signature over other content", () => {
    const candidates = signatureCandidates(VECTOR.signature);
    expect(signatureMatches(key, VECTOR.id, ts, '{"test": 1}', candidates)).toBe(false);
    expect(signatureMatches(key, "msg_other", ts, VECTOR.body, candidates)).toBe(false);
    expect(signatureMatches(key, VECTOR.id, String(VECTOR.timestamp + 1), VECTOR.body, candidates)).toBe(false);
  });

  it("has no candidates in a header without a well-formed v1 entry", () => {
    expect(signatureCandidates("")).toEqual([]);
    expect(signatureCandidates("v1,short v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")).toEqual([]);
  });
});

describe("liveSecrets", () => {
  it("keeps the current secret first, then previous ones still in their grace period", () => {
    const now = 1_000_000;
    const old = [
      { key: "live", expiresAt: now + 1 },
      { key: "expired", expiresAt: now },
      { key: "older-live", expiresAt: now + 60_000 },
    ];
    expect(liveSecrets("current", JSON.stringify(old), now)).toEqual(["current", "live", "older-live"]);
    expect(liveSecrets("current", "[]", now)).toEqual(["current"]);
    expect(unexpiredSecrets(old, now).map((s) => s.key)).toEqual(["live", "older-live"]);
  });
});
