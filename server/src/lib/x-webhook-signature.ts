import { createHmac } from "node:crypto";

import { safeEqual } from "./hash.js";

/**
 * The `X-Webhook-Signature: t=<unix seconds>,v1=<hex>` scheme that seed 003's wallet receivers
 * verify (the shape Stripe made common): the hex HMAC-SHA256 of `{t}.{body}`, keyed with the
 * secret's text exactly as the endpoint's `GET …/secret` shows it (`whsec_…`, prefix included),
 * which is what the wallet's `crypto.createHmac('sha256', secret)` does. During a rotation the
 * header carries one `v1=` per live secret, current first, so a receiver that reads only the
 * first `v1=` keeps working with the new secret and one that tries each accepts either.
 */

/** The header's name on the wire (lower case, as Node sends and receives it). */
export const X_WEBHOOK_SIGNATURE = "x-webhook-signature";

/**
 * The hex HMAC-SHA256 of `{timestamp}.{body}` under the secret's text.
 *
 * @example timestampedHmac("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1700000000, '{"a":1}') // "5d1c…" (64 hex digits)
 */
export function timestampedHmac(secret: string, timestampSeconds: number | string, body: string): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.`).update(body).digest("hex");
}

/**
 * The header value for `secrets` (current first).
 *
 * @example signTimestamped(1700000000, '{"a":1}', ["whsec_…"]) // "t=1700000000,v1=5d1c…"
 */
export function signTimestamped(timestampSeconds: number, body: string, secrets: readonly string[]): string {
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${timestampedHmac(s, timestampSeconds, body)}`)].join(",");
}

/** A parsed header: its `t` (as written) and every `v1` value; other keys are ignored. */
export interface TimestampedHeader {
  timestamp: string | null;
  signatures: string[];
}

/**
 * Reads `t=…,v1=…[,v1=…]` (spaces around the parts are tolerated).
 *
 * @example parseTimestamped("t=1700000000,v1=ab12") // { timestamp: "1700000000", signatures: ["ab12"] }
 */
export function parseTimestamped(header: string): TimestampedHeader {
  const out: TimestampedHeader = { timestamp: null, signatures: [] };
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t" && out.timestamp === null) out.timestamp = value;
    else if (name === "v1") out.signatures.push(value);
  }
  return out;
}

/** True when `signature` is 64 hex digits, the length of a SHA-256 HMAC. */
export function isHexDigest(signature: string): boolean {
  return /^[0-9a-f]{64}$/i.test(signature);
}

/**
 * Whether `signature` (hex) is the HMAC of `{timestamp}.{body}` under `secret`, compared in
 * constant time.
 *
 * @example timestampedMatches("whsec_…", "1700000000", body, "5d1c…") // true
 */
export function timestampedMatches(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!isHexDigest(signature)) return false;
  return safeEqual(Buffer.from(signature.toLowerCase(), "hex"), Buffer.from(timestampedHmac(secret, timestamp, body), "hex"));
}
