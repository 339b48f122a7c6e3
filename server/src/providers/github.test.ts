import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { github } from "./github.js";

const SECRET = "It's a Secret to Everybody";
const config = github.configSchema.parse({ secret: SECRET });
const NOW = new Date();
const BODY = JSON.stringify({ action: "opened", number: 1, pull_request: { id: 1 } });

const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("hex");

function request(signature: string | undefined, body = BODY) {
  return { rawBody: Buffer.from(body), headers: { "x-hub-signature-256": signature } };
}

describe("github.verify", () => {
  it("accepts sha256=<hex> of the body", () => {
    expect(github.verify(request(`sha256=${sign(BODY)}`), config, NOW)).toEqual({ ok: true });
  });

  it("matches GitHub's documented test vector", () => {
    // From GitHub's "Validating webhook deliveries" guide.
    const req = {
      rawBody: Buffer.from("Hello, World!"),
      headers: {
        "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      },
    };
    expect(github.verify(req, config, NOW)).toEqual({ ok: true });
  });

  it("rejects a tampered body and another secret", () => {
    expect(
      github.verify(request(`sha256=${sign(BODY)}`, BODY.replace("opened", "closed")), config, NOW),
    ).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
    expect(github.verify(request(`sha256=${sign(BODY, "other")}`), config, NOW)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it("rejects a missing signature, and does not fall back to the SHA-1 header", () => {
    const sha1 = createHmac("sha1", SECRET).update(BODY).digest("hex");
    const req = { rawBody: Buffer.from(BODY), headers: { "x-hub-signature": `sha1=${sha1}` } };
    expect(github.verify(req, config, NOW)).toEqual({ ok: false, reason: "missing_signature" });
  });

  it.each([
    ["garbage", "garbage"],
    ["no prefix", () => sign(BODY)],
    ["sha1 prefix", () => `sha1=${sign(BODY)}`],
    ["prefix only", "sha256="],
    ["wrong length", `sha256=${"ab".repeat(20)}`],
    ["non-hex", `sha256=${"x".repeat(64)}`],
  ])("rejects a malformed signature: %s", (_label, value) => {
    const sig = typeof value === "function" ? value() : value;
    expect(github.verify(request(sig), config, NOW)).toEqual({ ok: false, reason: "malformed_signature" });
  });
});

describe("github event type and id", () => {
  it("combines X-GitHub-Event with the body's action", () => {
    expect(github.eventType(JSON.parse(BODY), { "x-github-event": "pull_request" }, config)).toBe(
      "pull_request.opened",
    );
    expect(github.eventType({ zen: "Keep it simple." }, { "x-github-event": "ping" }, config)).toBe("ping");
    expect(github.eventType(undefined, { "x-github-event": "push" }, config)).toBe("push");
    expect(github.eventType(JSON.parse(BODY), {}, config)).toBe("unknown");
  });

  it("shows X-GitHub-Delivery as the id but keys de-duplication on the signed body", () => {
    const delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    expect(github.eventId(undefined, { "x-github-delivery": delivery }, config)).toBe(delivery);
    expect(github.eventId(undefined, {}, config)).toBeUndefined();
    const key = (headers: Record<string, string>, body = BODY) =>
      github.dedupeKey({ rawBody: Buffer.from(body), body: JSON.parse(body), headers }, config);
    expect(key({ "x-github-delivery": delivery })).toBe(key({}));
    expect(key({ "x-github-delivery": "other" })).toBe(key({}));
    expect(key({}, BODY.replace("opened", "closed"))).not.toBe(key({}));
  });
});
