import { describe, expect, it } from "vitest";

import { ed25519PublicKey } from "./ed25519-keys.js";
import { checkSignature } from "./signature-check.js";
import { signatureSchemeOf, signDelivery } from "./signature-schemes.js";

const HMAC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ED = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const BODY = '{"type":"transaction.completed","amount":1000}';
const base = { msgId: "msg_1", timestampSeconds: 1700000000, body: BODY, eventType: "transaction.completed" };

describe("signDelivery", () => {
  it("standard-webhooks: v1 and v1a entries side by side during a rotation, mirrored as svix-*", () => {
    const h = signDelivery({ ...base, scheme: "standard-webhooks", keys: [ED, HMAC] });
    expect(Object.keys(h).sort()).toEqual(["svix-id", "svix-signature", "svix-timestamp", "webhook-id", "webhook-signature", "webhook-timestamp"]);
    expect(h["webhook-signature"]).toMatch(/^v1a,[A-Za-z0-9+/]{86}== v1,[A-Za-z0-9+/]{43}=$/);
    expect(h["svix-signature"]).toBe(h["webhook-signature"]);
    const check = (key: { secret?: string; publicKey?: string }) =>
      checkSignature({ headers: h, body: BODY, keys: [{ label: "k", ...key }], toleranceSeconds: 300, now: 1700000000_000 });
    expect(check({ publicKey: ed25519PublicKey(ED) })).toMatchObject({ valid: true, signatures: [{ version: "v1a", matchedKey: "k" }, { version: "v1", matchedKey: null }] });
    expect(check({ secret: HMAC })).toMatchObject({ valid: true, signatures: [{ matchedKey: null }, { matchedKey: "k" }] });
  });

  it("x-webhook-signature: the seed's four headers, HMAC keys only", () => {
    const h = signDelivery({ ...base, scheme: "x-webhook-signature", keys: [HMAC, ED] });
    expect(h).toEqual({
      "x-webhook-signature": "t=1700000000,v1=8edf09ac1c3e64ec0f979de16ef90dd1c438168713de260d8e6c642d05224812",
      "x-webhook-event": "transaction.completed",
      "x-webhook-id": "msg_1",
      "x-webhook-timestamp": "2023-11-14T22:13:20.000Z",
    });
    expect(() => signDelivery({ ...base, scheme: "x-webhook-signature", keys: [ED] })).toThrow(/whsec_/);
  });

  it("reads unknown stored names as the default", () => {
    expect(signatureSchemeOf("x-webhook-signature")).toBe("x-webhook-signature");
    expect(signatureSchemeOf(undefined)).toBe("standard-webhooks");
    expect(signatureSchemeOf("future-scheme")).toBe("standard-webhooks");
  });
});
