import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { slack } from "./slack.js";

// The worked example of Slack's "Verifying requests from Slack" page: a slash command.
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOCS_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const config = slack.configSchema.parse({ secret: SECRET });
const AT = new Date(Number(TIMESTAMP) * 1000 + 30_000);

const request = (signature: string | undefined, body = BODY, timestamp: string | null = TIMESTAMP) => ({
  rawBody: Buffer.from(body),
  headers: { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp ?? undefined },
});
const sign = (body: string, timestamp: string, secret = SECRET) =>
  `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;

describe("slack.verify", () => {
  it("accepts the signature of Slack's documented example", () => {
    expect(slack.verify(request(DOCS_SIGNATURE), config, AT)).toEqual({ ok: true });
  });

  it("rejects a tampered body, another secret, and a replay outside the tolerance", () => {
    expect(slack.verify(request(DOCS_SIGNATURE, BODY.replace("roadrunner", "coyote")), config, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(slack.verify(request(sign(BODY, TIMESTAMP, "other")), config, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    // The signature binds the timestamp: a fresh timestamp on the captured signature fails.
    const fresh = String(Number(TIMESTAMP) + 10);
    expect(slack.verify(request(DOCS_SIGNATURE, BODY, fresh), config, AT)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(slack.verify(request(DOCS_SIGNATURE), config, new Date(AT.getTime() + 600_000))).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
  });

  it.each([
    ["no signature", undefined, TIMESTAMP, "missing_signature"],
    ["no timestamp", DOCS_SIGNATURE, null, "invalid_timestamp"],
    ["a non-numeric timestamp", DOCS_SIGNATURE, "12a", "invalid_timestamp"],
    ["no v0= prefix", DOCS_SIGNATURE.slice(3), TIMESTAMP, "malformed_signature"],
    ["a short digest", "v0=abcd", TIMESTAMP, "malformed_signature"],
  ])("rejects %s", (_label, signature, timestamp, reason) => {
    expect(slack.verify(request(signature, BODY, timestamp), config, AT)).toEqual({ ok: false, reason });
  });
});

describe("slack events", () => {
  const callback = { type: "event_callback", event_id: "Ev08MFMKH6", event: { type: "app_mention", text: "hi" } };

  it("types an Events API callback by its inner event and keys it on the signed event_id", () => {
    expect(slack.eventType(callback, {}, config)).toBe("app_mention");
    expect(slack.eventId(callback, {}, config)).toBe("Ev08MFMKH6");
    const raw = Buffer.from(JSON.stringify(callback));
    expect(slack.dedupeKey({ rawBody: raw, body: callback, headers: {} }, config)).toBe("Ev08MFMKH6");
    expect(slack.eventType({ type: "block_actions" }, {}, config)).toBe("block_actions");
    expect(slack.eventType(BODY, {}, config)).toBe("unknown"); // a form body: no JSON type
    expect(slack.signsTimestamp(config)).toBe(true);
  });

  it("answers the url_verification handshake with its challenge, and nothing else", () => {
    const challenge = slack.challenge?.({ token: "t", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }, config);
    expect(challenge).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
    expect(slack.challenge?.(callback, config)).toBeUndefined();
    expect(slack.challenge?.({ type: "url_verification" }, config)).toBeUndefined();
  });
});
