import { Webhook } from "svix";
import { describe, expect, it } from "vitest";

import { clerk, resend } from "./svix-signed.js";

// Signed with the official svix library, as Clerk and Resend send them.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe.each([
  ["clerk", clerk, { type: "user.created", data: { id: "user_29w83sxmDNGwOuEthce5gg56FcC" } }],
  ["resend", resend, { type: "email.delivered", data: { email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" } }],
] as const)("%s", (name, provider, event) => {
  const config = provider.configSchema.parse({ secret: SECRET });
  const body = JSON.stringify(event);
  const now = new Date();
  const headers = (id: string, signature: string) => ({
    "svix-id": id,
    "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
    "svix-signature": signature,
  });
  const signature = new Webhook(SECRET).sign("msg_2bX9", now, body);

  it("verifies svix-* headers signed by the svix library, under its own name", () => {
    expect(provider.name).toBe(name);
    expect(provider.verify({ rawBody: Buffer.from(body), headers: headers("msg_2bX9", signature) }, config, now)).toEqual({ ok: true });
    expect(provider.verify({ rawBody: Buffer.from(body), headers: headers("msg_other", signature) }, config, now)).toEqual({ ok: false, reason: "invalid_signature" });
    expect(provider.verify({ rawBody: Buffer.from(`${body} `), headers: headers("msg_2bX9", signature) }, config, now)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("types the event by its type and keys it on the signed message id", () => {
    expect(provider.eventType(event, {}, config)).toBe(event.type);
    const h = headers("msg_2bX9", signature);
    expect(provider.dedupeKey({ rawBody: Buffer.from(body), body: event, headers: h }, config)).toBe("msg_2bX9");
  });
});
