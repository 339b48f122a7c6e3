import { safeEqual } from "../lib/hash.js";
import { ACCEPT, type InboundRequest, reject, type Verdict } from "./provider.js";
import { decodeHex, headerValue, hmac, parseUnixTimestamp, withinTolerance } from "./verify-helpers.js";

const PREFIX = "v0=";

/** Where a `v0` scheme carries its signature and timestamp. */
export interface V0Headers {
  signature: string;
  timestamp: string;
}

/**
 * The `v0` scheme Slack and Zoom share: `<signature header>: v0=<hex HMAC-SHA256 of
 * "v0:{timestamp}:{body}">`, the timestamp in Unix seconds in its own header and checked against
 * `toleranceSeconds` before the signature (a stale call is refused whatever it carries).
 *
 * @example verifyV0(req, { signature: "x-slack-signature", timestamp: "x-slack-request-timestamp" }, secret, 300, new Date())
 */
export function verifyV0(
  req: InboundRequest,
  names: V0Headers,
  secret: string,
  toleranceSeconds: number,
  now: Date,
): Verdict {
  const header = headerValue(req.headers, names.signature);
  if (header === undefined) return reject("missing_signature");
  const timestamp = headerValue(req.headers, names.timestamp);
  const timestampMs = timestamp === undefined ? undefined : parseUnixTimestamp(timestamp, { allowMilliseconds: false });
  if (timestamp === undefined || timestampMs === undefined) return reject("invalid_timestamp");
  if (!header.startsWith(PREFIX)) return reject("malformed_signature");
  const presented = decodeHex(header.slice(PREFIX.length), 32);
  if (presented === undefined) return reject("malformed_signature");
  if (!withinTolerance(timestampMs, now, toleranceSeconds)) return reject("timestamp_out_of_tolerance");
  const expected = hmac("sha256", secret, `v0:${timestamp}:`, req.rawBody);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}
