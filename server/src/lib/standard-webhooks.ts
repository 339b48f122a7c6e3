import { createHmac, randomBytes } from "node:crypto";

import { isEd25519Secret, signEd25519 } from "./ed25519-keys.js";
import { safeEqual } from "./hash.js";
import { parseJson } from "./json.js";

/**
 * Standard Webhooks (v1), the one place its secrets are made, read, and used to sign and verify:
 * outbound deliveries (`delivery/`), the inbound `standard-webhooks` provider and the endpoint
 * and source services all go through here, so a secret means the same thing everywhere.
 *
 * Like the `standardwebhooks` reference library's `Webhook` class, a secret is decoded once
 * (`parseSecret`) and the same HMAC (`hmacOf`) serves signing and verifying.
 */

/** The prefix every secret we issue or store carries; on input it is optional. */
export const SECRET_PREFIX = "whsec_";

/**
 * The endpoint secret the API accepts (Svix's pattern): 32–100 base64 characters, optionally
 * prefixed. The key itself is checked by {@link parseSecret} when it is used.
 *
 * @example SECRET_PATTERN.test("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // true
 */
export const SECRET_PATTERN = /^(whsec_)?[a-zA-Z0-9+/=]{32,100}$/;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SIGNATURE_BYTES = 32;

/**
 * A new signing secret: `whsec_` + base64 of 24 random bytes (the spec allows 24–64), the same
 * shape Svix issues.
 *
 * @example generateSecret() // "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
 */
export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString("base64")}`;
}

/**
 * A secret as it is stored: with the `whsec_` prefix, which callers may leave off.
 *
 * @example withSecretPrefix("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
 */
export function withSecretPrefix(secret: string): string {
  return secret.startsWith(SECRET_PREFIX) ? secret : `${SECRET_PREFIX}${secret}`;
}

/** A secret read by {@link parseSecret}: its HMAC key, or why there is none. */
export type ParsedSecret = { ok: true; key: Buffer } | { ok: false; error: string };

/**
 * The HMAC key of a secret: the base64-decoded part after `whsec_` (the prefix is optional).
 * Text that is not base64, or decodes to nothing, has no key: an empty key would sign with a
 * value anyone can reproduce.
 *
 * @example parseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") // { ok: true, key: <Buffer …> }
 * @example parseSecret("whsec_") // { ok: false, error: "signing secret is empty or not base64" }
 */
export function parseSecret(secret: string): ParsedSecret {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  return key.length > 0 ? { ok: true, key } : { ok: false, error: "signing secret is empty or not base64" };
}

/**
 * {@link parseSecret} for callers that cannot go on without a key; throws its error.
 *
 * @example createHmac("sha256", secretKey(secret))
 */
export function secretKey(secret: string): Buffer {
  const parsed = parseSecret(secret);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.key;
}

/** HMAC-SHA256 over `{msgId}.{timestamp}.{body}`: the signed content of Standard Webhooks v1. */
function hmacOf(key: Buffer, msgId: string, timestamp: string, body: string | Buffer): Buffer {
  return createHmac("sha256", key).update(`${msgId}.${timestamp}.`).update(body).digest();
}

/**
 * The `webhook-signature` header value: one space-separated entry per secret, `v1,<base64>`
 * (HMAC-SHA256) for a `whsec_` secret and `v1a,<base64>` (ed25519) for a `whsk_` secret key.
 * Several secrets are passed during a rotation, so a receiver holding either the old or the new
 * key accepts the message. Throws for a secret without a key.
 *
 * @example signPayload("msg_1", 1614265330, '{"a":1}', ["whsec_…"]) // "v1,g0hM9Ss…="
 */
export function signPayload(msgId: string, timestampSeconds: number, body: string, secrets: string[]): string {
  const timestamp = String(timestampSeconds);
  return secrets
    .map((secret) =>
      isEd25519Secret(secret)
        ? "v1a," + signEd25519(secret, `${msgId}.${timestamp}.${body}`)
        : "v1," + hmacOf(secretKey(secret), msgId, timestamp, body).toString("base64"),
    )
    .join(" ");
}

/**
 * The `v1` signatures of a `webhook-signature` header, decoded. Several appear during secret
 * rotation; other versions (v1a: ed25519) and malformed entries are skipped, so an empty list
 * means the header holds nothing to check.
 *
 * @example signatureCandidates("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,xyz") // [<Buffer 83 48 …>]
 */
export function signatureCandidates(header: string): Buffer[] {
  const candidates: Buffer[] = [];
  for (const entry of header.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const decoded = decodeSignature(entry.slice(comma + 1));
    if (decoded !== undefined) candidates.push(decoded);
  }
  return candidates;
}

/**
 * Whether any candidate is the signature of `{msgId}.{timestamp}.{body}` under `key`. Every
 * candidate is compared (no early exit), so timing does not reveal which one matched.
 *
 * @example signatureMatches(secretKey(secret), id, timestamp, rawBody, signatureCandidates(header))
 */
export function signatureMatches(
  key: Buffer,
  msgId: string,
  timestamp: string,
  body: string | Buffer,
  candidates: readonly Buffer[],
): boolean {
  const expected = hmacOf(key, msgId, timestamp, body);
  let matched = false;
  for (const candidate of candidates) matched = safeEqual(candidate, expected) || matched;
  return matched;
}

/** Standard base64 (padding optional) of exactly one SHA-256 digest, or undefined. */
function decodeSignature(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const padded = text.padEnd(Math.ceil(text.length / 4) * 4, "=");
  const decoded = Buffer.from(padded, "base64");
  // Node's decoder skips what it cannot read, so only text that re-encodes to itself is exact.
  if (decoded.length !== SIGNATURE_BYTES || decoded.toString("base64") !== padded) return undefined;
  return decoded;
}

/** A previous secret (sealed, as stored) that keeps signing until `expiresAt` (ms since the epoch). */
export interface RetiredSecret {
  key: string;
  expiresAt: number;
}

/**
 * The previous secrets still inside their grace period at `now`; the rest have stopped signing.
 *
 * @example unexpiredSecrets([{ key: "k1", expiresAt: Date.now() + 60_000 }], Date.now()) // [{ key: "k1", … }]
 */
export function unexpiredSecrets<T extends RetiredSecret>(old: readonly T[], now: number): T[] {
  return old.filter((s) => s.expiresAt > now);
}

/**
 * The (sealed) secrets a delivery is signed with at `now`: the current one first, then previous
 * ones (`old_secrets`, a JSON array of {@link RetiredSecret}) still inside their grace period,
 * so receivers that have not yet switched keep verifying. Open each with the keyring before
 * signing.
 *
 * @example liveSecrets(endpoint.secret, endpoint.old_secrets, Date.now()).map((s) => keyring.open(s))
 */
export function liveSecrets(current: string, oldSecrets: string, now: number): string[] {
  return [current, ...unexpiredSecrets(parseJson<RetiredSecret[]>(oldSecrets, []), now).map((s) => s.key)];
}
