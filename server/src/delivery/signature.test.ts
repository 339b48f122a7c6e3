import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { generateSecret } from "../lib/webhook-secret.js";
import { signPayload } from "./signature.js";

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
