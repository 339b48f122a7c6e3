import { createPublicKey, verify } from "node:crypto";

import { describe, expect, it } from "vitest";

import { ed25519PublicKey, generateEd25519Secret, isEd25519Secret, parseEd25519Secret, signEd25519 } from "./ed25519-keys.js";
import { signPayload } from "./standard-webhooks.js";

// The vector of svix-server's own test (server/svix-server/src/worker.rs, test_asymmetric_key_signing)
// and its README: a key made by `svix-server asymmetric-key generate`.
const SVIX = {
  secret: "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==",
  publicKey: "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=",
  msgId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
};

/** Verifies with node:crypto from the whpk_ text alone, as a receiver would. */
function receiverVerifies(publicKey: string, content: string, signature: string): boolean {
  const x = Buffer.from(publicKey.slice("whpk_".length), "base64").toString("base64url");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  return verify(null, Buffer.from(content), key, Buffer.from(signature, "base64"));
}

describe("ed25519 keys", () => {
  it("reads a Svix whsk_ key, derives its whpk_ key and signs Svix's vector byte for byte", () => {
    expect(parseEd25519Secret(SVIX.secret)?.publicKey).toBe(SVIX.publicKey);
    expect(ed25519PublicKey(SVIX.secret)).toBe(SVIX.publicKey);
    expect(signPayload(SVIX.msgId, SVIX.timestamp, SVIX.body, [SVIX.secret])).toBe(SVIX.signature);
    expect(receiverVerifies(SVIX.publicKey, `${SVIX.msgId}.${SVIX.timestamp}.${SVIX.body}`, SVIX.signature.slice(4))).toBe(true);
  });

  it("generates keys in Svix's format that sign verifiably", () => {
    const secret = generateEd25519Secret();
    expect(secret).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(isEd25519Secret(secret)).toBe(true);
    const publicKey = ed25519PublicKey(secret);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const signature = signEd25519(secret, "msg_1.1700000000.{}");
    expect(receiverVerifies(publicKey, "msg_1.1700000000.{}", signature)).toBe(true);
    expect(receiverVerifies(publicKey, "msg_1.1700000000.{ }", signature)).toBe(false);
    expect(generateEd25519Secret()).not.toBe(secret);
  });

  it("refuses keys that are not a consistent 64-byte pair", () => {
    const raw = Buffer.from(SVIX.secret.slice(5), "base64");
    const otherHalf = Buffer.concat([raw.subarray(0, 32), Buffer.alloc(32, 1)]).toString("base64");
    for (const bad of ["whsk_", `whsk_${raw.subarray(0, 32).toString("base64")}`, `whsk_${otherHalf}`, "whsk_not base64!", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", `whsk_${SVIX.secret.slice(5, -2)}`]) {
      expect(parseEd25519Secret(bad), bad).toBeUndefined();
    }
    expect(() => signEd25519("whsk_AAAA", "x")).toThrow(/64-byte/);
  });
});
