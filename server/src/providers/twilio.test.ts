import { createHmac } from "node:crypto";

import { describe, expect, it } from "vitest";

import { twilio } from "./twilio.js";

// Twilio's documented example ("Validating requests", Node snippet for twilio-node 3.x): auth
// token 12345, this URL and these POST parameters give GvWf1cFY/Q7PnoempGyD5oXAezc=.
const TOKEN = "12345";
const URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FORM = "To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675310&Caller=%2B14158675310";
const DOCS_SIGNATURE = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
const config = twilio.configSchema.parse({ secret: TOKEN, url: URL });
const NOW = new Date();

const request = (signature: string | undefined, body = FORM) => ({ rawBody: Buffer.from(body), headers: { "x-twilio-signature": signature } });

describe("twilio.verify", () => {
  it("accepts Twilio's documented example, whatever the order of the parameters in the body", () => {
    expect(twilio.verify(request(DOCS_SIGNATURE), config, NOW)).toEqual({ ok: true });
  });

  it("rejects a changed parameter, another URL, another token, and a malformed header", () => {
    expect(twilio.verify(request(DOCS_SIGNATURE, FORM.replace("1234", "1235")), config, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    const otherUrl = twilio.configSchema.parse({ secret: TOKEN, url: "https://mycompany.com/myapp.php?foo=1&bar=3" });
    expect(twilio.verify(request(DOCS_SIGNATURE), otherUrl, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    const otherToken = twilio.configSchema.parse({ secret: "54321", url: URL });
    expect(twilio.verify(request(DOCS_SIGNATURE), otherToken, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(twilio.verify(request(undefined), config, NOW)).toEqual({ ok: false, reason: "missing_signature" });
    expect(twilio.verify(request("not base64!"), config, NOW)).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("accepts a signature over the URL with its default port, as Twilio's libraries do", () => {
    const withPort = createHmac("sha1", TOKEN)
      .update("https://mycompany.com:443/myapp.php?foo=1&bar=2CallSidCA1")
      .digest("base64");
    expect(twilio.verify(request(withPort, "CallSid=CA1"), config, NOW)).toEqual({ ok: true });
  });

  it("verifies a JSON body through the URL's bodySHA256 (vector from twilio-node 6.3.1 validateRequestWithBody)", () => {
    const body = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
    const json = twilio.configSchema.parse({
      secret: TOKEN,
      url: "https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
    });
    expect(twilio.verify(request("hPXmLwIy3Fgqv1i9KPmH/HhQ6zo=", body), json, NOW)).toEqual({ ok: true });
    // The URL's signature is fine but the body is not the one it pins.
    expect(twilio.verify(request("hPXmLwIy3Fgqv1i9KPmH/HhQ6zo=", body.replace("3030", "3031")), json, NOW)).toEqual({ ok: false, reason: "invalid_signature" });
  });
});

describe("twilio events", () => {
  it("types status callbacks and reads their sid", () => {
    const sms = "MessageSid=SM1&MessageStatus=delivered&To=%2B1555";
    expect(twilio.eventType(sms, {}, config)).toBe("message.delivered");
    expect(twilio.eventId(sms, {}, config)).toBe("SM1");
    expect(twilio.eventType("CallSid=CA1&CallStatus=completed", {}, config)).toBe("call.completed");
    expect(twilio.eventType(FORM, {}, config)).toBe("unknown");
    expect(twilio.eventType({ not: "a form" }, {}, config)).toBe("unknown");
  });
});
