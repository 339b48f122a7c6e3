import { createHmac } from "node:crypto";

const PREFIX = "whsec_";

/**
 * The `webhook-signature` header value (Standard Webhooks v1): HMAC-SHA256 over
 * `{msgId}.{timestamp}.{body}`, one space-separated `v1,<base64>` entry per secret. Several
 * secrets are passed during a rotation, so a receiver holding either the old or the new secret
 * accepts the message.
 *
 * @example signPayload("msg_1", 1614265330, '{"a":1}', ["whsec_…"]) // "v1,g0hM9Ss…="
 */
export function signPayload(
  msgId: string,
  timestampSeconds: number,
  body: string,
  secrets: string[],
): string {
  const content = `${msgId}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => "v1," + createHmac("sha256", secretKey(secret)).update(content).digest("base64"))
    .join(" ");
}

/** The HMAC key of a secret: the base64-decoded part after `whsec_` (the prefix is optional). */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = Buffer.from(encoded, "base64");
  // An empty key would sign with a value anyone can reproduce; refuse rather than send it.
  if (key.length === 0) throw new Error("signing secret is empty or not base64");
  return key;
}
