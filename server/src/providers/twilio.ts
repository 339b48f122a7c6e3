import { createHash } from "node:crypto";

import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey } from "./body.js";
import { ACCEPT, defineProvider, type InboundRequest, reject, UNKNOWN_EVENT_TYPE, type Verdict } from "./provider.js";
import { decodeBase64, headerValue, hmac } from "./verify-helpers.js";

const configSchema = z.object({
  /** The account's Auth Token (or the API key secret the webhook was configured with). */
  secret: z.string().min(1),
  /** The webhook URL exactly as configured in Twilio, query string included: Twilio signs it. */
  url: z.url(),
});

/** A Twilio source's configuration after parsing. */
export type TwilioConfig = z.output<typeof configSchema>;

/** Form parameters of the body, as Twilio signs them: sorted by name, then value. */
function signedParams(rawBody: Buffer): string {
  const pairs = [...new URLSearchParams(rawBody.toString("utf8"))];
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1));
  return pairs.map(([k, v]) => k + v).join("");
}

/**
 * The URL with and without its scheme's default port: Twilio may sign either, depending on how
 * the URL was entered, and its own libraries accept both.
 */
function urlVariants(url: string): string[] {
  const parts = /^(https?:\/\/)([^/?#]+)(.*)$/s.exec(url);
  if (!parts) return [url];
  const [, scheme, authority, rest] = parts as unknown as [string, string, string, string];
  const defaultPort = scheme === "https://" ? "443" : "80";
  const host = authority.replace(/:\d+$/, "");
  const port = /:(\d+)$/.exec(authority)?.[1];
  if (port === undefined) return [url, `${scheme}${host}:${defaultPort}${rest}`];
  return port === defaultPort ? [url, `${scheme}${host}${rest}`] : [url];
}

function verify(req: InboundRequest, config: TwilioConfig): Verdict {
  const header = headerValue(req.headers, "x-twilio-signature");
  if (header === undefined) return reject("missing_signature");
  const presented = decodeBase64(header, 20);
  if (presented === undefined) return reject("malformed_signature");
  // JSON bodies: Twilio signs the URL, whose bodySHA256 parameter pins the body.
  const bodyHash = new URL(config.url).searchParams.get("bodySHA256");
  if (bodyHash !== null && createHash("sha256").update(req.rawBody).digest("hex") !== bodyHash.toLowerCase()) {
    return reject("invalid_signature");
  }
  const params = bodyHash === null ? signedParams(req.rawBody) : "";
  let ok = false;
  for (const url of urlVariants(config.url)) ok = safeEqual(presented, hmac("sha1", config.secret, url, params)) || ok;
  return ok ? ACCEPT : reject("invalid_signature");
}

/** A form parameter of the body, when the body is a form. */
function param(body: unknown, name: string): string | undefined {
  if (typeof body !== "string") return undefined;
  const value = new URLSearchParams(body).get(name);
  return value === null || value === "" ? undefined : value;
}

/**
 * Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, with the auth token, of the webhook URL
 * followed by every POST parameter's name and value sorted by name (for a JSON body, of the URL
 * alone, whose `bodySHA256` parameter must equal the body's SHA-256). The URL is configured, as
 * Twilio signs what it called, which a proxy in front of Hookrelay may rewrite. The type comes
 * from the status callback's parameters (`message.delivered`, `call.completed`), the id from
 * `MessageSid`/`CallSid`. Nothing is timestamped, so de-duplication uses the body's digest.
 *
 * @example twilio.eventType("MessageSid=SM1&MessageStatus=delivered", {}, config) // "message.delivered"
 */
export const twilio = defineProvider<TwilioConfig>({
  name: "twilio",
  configSchema,
  verify,
  eventType(body) {
    const message = param(body, "MessageStatus") ?? param(body, "SmsStatus");
    if (message !== undefined) return `message.${message}`;
    const call = param(body, "CallStatus");
    if (call !== undefined) return `call.${call}`;
    return UNKNOWN_EVENT_TYPE;
  },
  eventId: (body) => param(body, "MessageSid") ?? param(body, "SmsSid") ?? param(body, "CallSid"),
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
});
