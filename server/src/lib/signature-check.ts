import { createPublicKey, verify as verifyEd25519 } from "node:crypto";

import { safeEqual } from "./hash.js";
import { parseSecret, signPayload } from "./standard-webhooks.js";
import { isHexDigest, parseTimestamped, timestampedMatches, X_WEBHOOK_SIGNATURE } from "./x-webhook-signature.js";

/** A key to check signatures with: a `whsec_` secret (v1) or a `whpk_` ed25519 public key (v1a). */
export interface CheckKey {
  /** What the report calls it: `current`, `previous 1`, `given secret` … */
  label: string;
  secret?: string;
  publicKey?: string;
}

export interface SignatureCheckInput {
  /** Request headers as received (any letter case). */
  headers: Readonly<Record<string, string>>;
  /** The raw body exactly as received. */
  body: string;
  keys: readonly CheckKey[];
  toleranceSeconds: number;
  now: number;
}

/** Why a request does not verify; `ok` when it does. */
export type CheckReason =
  | "ok"
  | "missing_headers"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "no_signatures"
  | "no_match"
  | "invalid_key";

/** One entry of the signature header and what became of it. */
export interface SignatureEntry {
  version: string;
  /** False when the entry cannot be a signature of its version (bad base64, wrong length). */
  wellFormed: boolean;
  /** The label of the key it matched, or null. */
  matchedKey: string | null;
}

export interface SignatureCheckResult {
  valid: boolean;
  reason: CheckReason;
  /** What is wrong and how to fix it, for a person. */
  detail: string;
  /**
   * `webhook` (Standard Webhooks names), `svix` (`svix-*` names) or `x-webhook` (seed 003's
   * `X-Webhook-Signature: t=…,v1=…`); null when none is present.
   */
  headerFamily: "webhook" | "svix" | "x-webhook" | null;
  msgId: string | null;
  timestamp: string | null;
  /** Receiver's clock minus the signed timestamp, in seconds; positive when the message is older. */
  skewSeconds: number | null;
  /** The exact text that is signed: `{id}.{timestamp}.{body}` (`{t}.{body}` for `x-webhook`). */
  signedContent: string | null;
  signatures: SignatureEntry[];
}

const ED25519_PREFIX = "whpk_";

/**
 * Checks a Standard Webhooks (or Svix, or seed 003's `X-Webhook-Signature`) request the way a correct receiver must, and explains the
 * verdict: which header family was used, the timestamp and its skew against the tolerance, every
 * signature entry and which key (if any) it matched, and the signed content a receiver has to
 * rebuild. Nothing is secret in the answer; it never contains a signature it computed itself.
 *
 * @example checkSignature({ headers, body, keys: [{ label: "current", secret }], toleranceSeconds: 300, now: Date.now() }).valid
 */
export function checkSignature(input: SignatureCheckInput): SignatureCheckResult {
  const headers = lowerCased(input.headers);
  if (headers["webhook-signature"] === undefined && headers["svix-signature"] === undefined && headers[X_WEBHOOK_SIGNATURE] !== undefined) {
    return checkTimestampedScheme(input, headers);
  }
  const family: SignatureCheckResult["headerFamily"] =
    headers["webhook-signature"] !== undefined ? "webhook" : headers["svix-signature"] !== undefined ? "svix" : null;
  const base = { headerFamily: family, msgId: null, timestamp: null, skewSeconds: null, signedContent: null, signatures: [] };
  if (family === null) {
    return { ...base, valid: false, reason: "missing_headers", detail: "No webhook-signature (or svix-signature, or X-Webhook-Signature) header: the request was not signed, or a proxy dropped the header." };
  }
  const msgId = headers[`${family}-id`] ?? null;
  const timestamp = headers[`${family}-timestamp`] ?? null;
  if (msgId === null || timestamp === null) {
    return { ...base, msgId, timestamp, valid: false, reason: "missing_headers", detail: `The ${family}-id and ${family}-timestamp headers are both part of the signed content; one is missing.` };
  }
  const found = { ...base, msgId, timestamp, signedContent: `${msgId}.${timestamp}.${input.body}` };
  const parsed = entries(headers[`${family}-signature`] ?? "");
  return verdict(input, found, parsed, (version, value, key) => matchesStandard(version, value, key, msgId, Number(timestamp), input.body), "`v1,<base64>` or `v1a,<base64>`");
}

/**
 * Seed 003's `X-Webhook-Signature: t=<unix>,v1=<hex>` (see `x-webhook-signature.ts`): the same
 * verdicts, with `{t}.{body}` as the signed content and HMAC secrets as the only keys.
 */
function checkTimestampedScheme(input: SignatureCheckInput, headers: Record<string, string | undefined>): SignatureCheckResult {
  const header = parseTimestamped(headers[X_WEBHOOK_SIGNATURE] ?? "");
  const msgId = headers["x-webhook-id"] ?? null;
  const base = { headerFamily: "x-webhook" as const, msgId, timestamp: header.timestamp, skewSeconds: null, signatures: [] };
  if (header.timestamp === null) {
    return { ...base, signedContent: null, valid: false, reason: "missing_headers", detail: "X-Webhook-Signature has no t=<unix seconds> part; it is part of the signed content." };
  }
  const timestamp = header.timestamp;
  const parsed = header.signatures.map((text) => ({
    entry: { version: "v1", wellFormed: isHexDigest(text), matchedKey: null } as SignatureEntry,
    value: Buffer.from(text),
  }));
  const found = { ...base, timestamp, signedContent: `${timestamp}.${input.body}` };
  return verdict(input, found, parsed, (_version, value, key) => key.secret !== undefined && timestampedMatches(key.secret, timestamp, input.body, value.toString()), "`t=<unix>,v1=<hex>`");
}

type Found = Omit<SignatureCheckResult, "valid" | "reason" | "detail" | "skewSeconds" | "signatures"> & { timestamp: string };

/** The verdict shared by both schemes: timestamp, keys, then which entry matched which key. */
function verdict(
  input: SignatureCheckInput,
  found: Found,
  parsed: { entry: SignatureEntry; value: Buffer }[],
  matches: (version: string, value: Buffer, key: CheckKey) => boolean,
  expected: string,
): SignatureCheckResult {
  const signatures = parsed.map((p) => p.entry);
  const timestamp = found.timestamp;
  const withEntries = { ...found, signatures, skewSeconds: null };
  if (!/^\d{1,12}$/.test(timestamp)) {
    const ms = /^\d{13}$/.test(timestamp) ? " (this looks like milliseconds)" : "";
    return { ...withEntries, valid: false, reason: "invalid_timestamp", detail: `The timestamp must be whole seconds since the epoch; got "${timestamp}"${ms}.` };
  }
  const skewSeconds = Math.round(input.now / 1000) - Number(timestamp);
  const keyed = { ...withEntries, skewSeconds };
  const keyProblem = input.keys.find((k) => !usable(k));
  if (keyProblem) return { ...keyed, valid: false, reason: "invalid_key", detail: `The key "${keyProblem.label}" is neither a whsec_ secret nor a whpk_ ed25519 public key.` };

  for (const { entry, value } of parsed) {
    if (entry.wellFormed) entry.matchedKey = matchingKey(entry.version, value, input.keys, matches);
  }
  const matched = signatures.find((s) => s.matchedKey !== null);
  if (Math.abs(skewSeconds) > input.toleranceSeconds) {
    const old = skewSeconds > 0;
    return {
      ...keyed,
      valid: false,
      reason: old ? "timestamp_too_old" : "timestamp_in_future",
      detail: `The timestamp is ${Math.abs(skewSeconds)} s ${old ? "in the past" : "in the future"}, beyond the ${input.toleranceSeconds} s tolerance${matched ? " (the signature itself matches: a replay, or a clock that is off)" : ""}. Receivers must refuse it.`,
    };
  }
  if (signatures.length === 0 || signatures.every((s) => !s.wellFormed)) {
    return { ...keyed, valid: false, reason: "no_signatures", detail: `The signature header holds no well-formed entry (expected ${expected}).` };
  }
  if (!matched) {
    return { ...keyed, valid: false, reason: "no_match", detail: "No signature matches any key. Check that the body is the raw bytes as received (not re-serialised JSON), that the secret is the endpoint's current one including its whsec_ prefix handling, and that id and timestamp come from the same header family." };
  }
  return { ...keyed, valid: true, reason: "ok", detail: `Signature ${matched.version} matches the ${matched.matchedKey} key; timestamp within ${input.toleranceSeconds} s.` };
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const LENGTHS: Record<string, number> = { v1: 32, v1a: 64 };

/** The header's entries, each with its decoded value (kept apart: the report carries no signature bytes). */
function entries(header: string): { entry: SignatureEntry; value: Buffer }[] {
  return header
    .split(" ")
    .filter((e) => e !== "")
    .map((text) => {
      const comma = text.indexOf(",");
      const version = comma < 0 ? text : text.slice(0, comma);
      const encoded = comma < 0 ? "" : text.slice(comma + 1);
      const value = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
      return { entry: { version, wellFormed: LENGTHS[version] === value.length, matchedKey: null }, value };
    });
}

function usable(key: CheckKey): boolean {
  if (key.secret !== undefined) return parseSecret(key.secret).ok;
  return key.publicKey !== undefined && publicKeyOf(key.publicKey) !== undefined;
}

function publicKeyOf(text: string) {
  const raw = Buffer.from(text.startsWith(ED25519_PREFIX) ? text.slice(ED25519_PREFIX.length) : text, "base64");
  if (raw.length !== 32) return undefined;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  } catch {
    return undefined;
  }
}

/** The label of the first key the signature matches; every key is tried, so timing says nothing. */
function matchingKey(
  version: string,
  value: Buffer,
  keys: readonly CheckKey[],
  matches: (version: string, value: Buffer, key: CheckKey) => boolean,
): string | null {
  let matched: string | null = null;
  for (const key of keys) {
    const ok = matches(version, value, key);
    if (ok && matched === null) matched = key.label;
  }
  return matched;
}

/** A Standard Webhooks entry against one key: `v1` with a secret, `v1a` with a public key. */
function matchesStandard(version: string, value: Buffer, key: CheckKey, msgId: string, timestamp: number, body: string): boolean {
  if (version === "v1" && key.secret !== undefined) {
    const expected = Buffer.from(signPayload(msgId, timestamp, body, [key.secret]).slice(3), "base64");
    return safeEqual(value, expected);
  }
  if (version === "v1a" && key.publicKey !== undefined) {
    const publicKey = publicKeyOf(key.publicKey);
    return publicKey !== undefined && verifyEd25519(null, Buffer.from(`${msgId}.${timestamp}.${body}`), publicKey, value);
  }
  return false;
}
