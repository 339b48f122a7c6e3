import { createHash, createHmac } from "node:crypto";

import { safeEqual } from "../lib/hash.js";

/** HMAC digests the generic verifier offers, with their output length in bytes. */
export const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const;

/** A digest algorithm from {@link DIGEST_BYTES}. */
export type DigestAlgorithm = keyof typeof DIGEST_BYTES;

/**
 * HMAC of the concatenation of `parts`, fed piecewise so the raw body is never copied or
 * decoded as text (a body that is not valid UTF-8 must still verify byte for byte).
 *
 * @example
 * hmac("sha256", secret, timestamp, ".", rawBody) // Buffer of 32 bytes
 */
export function hmac(
  algorithm: DigestAlgorithm,
  key: string | Buffer,
  ...parts: readonly (string | Buffer)[]
): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes hex of exactly `bytes` bytes, or undefined. `Buffer.from(s, "hex")` silently stops
 * at the first non-hex character, which would let "abc…zz" compare as a shorter digest.
 *
 * @example
 * decodeHex("00ff", 2) // <Buffer 00 ff>
 * decodeHex("00fg", 2) // undefined
 */
export function decodeHex(text: string, bytes: number): Buffer | undefined {
  if (text.length !== bytes * 2 || !HEX.test(text)) return undefined;
  return Buffer.from(text, "hex");
}

/**
 * Decodes standard base64 (padded or not) of exactly `bytes` bytes, or undefined. Node's
 * decoder skips invalid characters, so the text is checked first and must re-encode to itself.
 *
 * @example
 * decodeBase64("AP8=", 2) // <Buffer 00 ff>
 * decodeBase64("AP8", 2)  // <Buffer 00 ff> (padding optional)
 */
export function decodeBase64(text: string, bytes: number): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const padded = text.padEnd(Math.ceil(text.length / 4) * 4, "=");
  const decoded = Buffer.from(padded, "base64");
  if (decoded.length !== bytes || decoded.toString("base64") !== padded) return undefined;
  return decoded;
}

/**
 * Constant-time equality of two shared secrets presented as text (API keys, bearer tokens).
 * Both sides are hashed first so the comparison time does not depend on the secret's length
 * either.
 *
 * @example
 * secretEqual(headers["x-talabat-api-key"] ?? "", config.apiKey)
 */
export function secretEqual(presented: string, expected: string): boolean {
  return safeEqual(sha256(presented), sha256(expected));
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

// 1e12 seconds is the year 33658, so a value this large can only be milliseconds.
const MILLISECONDS_THRESHOLD = 1e12;
const DIGITS = /^\d{1,16}$/;

/**
 * Parses a Unix timestamp header into epoch milliseconds, or undefined for anything but plain
 * digits (no sign, fraction, spaces or ISO dates — `parseInt("12abc")` would accept garbage).
 * With `allowMilliseconds`, values of 13+ digits are read as milliseconds.
 *
 * @example
 * parseUnixTimestamp("1727433000", { allowMilliseconds: false }) // 1727433000000
 * parseUnixTimestamp("1727433000123", { allowMilliseconds: true }) // 1727433000123
 */
export function parseUnixTimestamp(
  text: string,
  options: { allowMilliseconds: boolean },
): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  if (value >= MILLISECONDS_THRESHOLD) return options.allowMilliseconds ? value : undefined;
  return value * 1000;
}

/**
 * Whether `timestampMs` lies within `toleranceSeconds` of `now`, in either direction: a future
 * timestamp is as suspicious as a stale one, since it would extend a replay window.
 *
 * @example
 * withinTolerance(Date.now() - 10_000, new Date(), 300) // true
 */
export function withinTolerance(timestampMs: number, now: Date, toleranceSeconds: number): boolean {
  const diff = Math.abs(now.getTime() - timestampMs);
  // NaN (an invalid `now`) fails the comparison and so rejects.
  return diff <= toleranceSeconds * 1000;
}

/**
 * A header value, with an empty string treated as absent.
 *
 * @example
 * headerValue(req.headers, "x-shopify-hmac-sha256")
 */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}

const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; undefined when the header is absent,
 * `null` when it is present but not a bearer credential.
 *
 * @example
 * bearerToken({ authorization: "Bearer abc" }) // "abc"
 * bearerToken({ authorization: "Basic abc" })  // null
 */
export function bearerToken(
  headers: Readonly<Record<string, string | undefined>>,
): string | null | undefined {
  const authorization = headerValue(headers, "authorization");
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1] ?? null;
}
