import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";

/**
 * Standard Webhooks' asymmetric keys (`v1a` signatures): ed25519 through node:crypto, in the
 * text forms Svix uses, so a key made by `svix-server asymmetric-key generate` works here and
 * the other way round:
 *
 * - secret key `whsk_` + base64(32-byte seed ‖ 32-byte public key), what an endpoint signs with;
 * - public key `whpk_` + base64(32-byte public key), what a receiver verifies with.
 */

export const ED25519_SECRET_PREFIX = "whsk_";
export const ED25519_PUBLIC_PREFIX = "whpk_";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A parsed `whsk_` key: the private key to sign with and its `whpk_` public key. */
export interface Ed25519Key {
  privateKey: KeyObject;
  publicKey: string;
}

/**
 * True when a stored or given endpoint secret is an ed25519 secret key (by its prefix).
 *
 * @example isEd25519Secret("whsk_6Xb/dCcH…") // true; isEd25519Secret("whsec_…") // false
 */
export function isEd25519Secret(secret: string): boolean {
  return secret.startsWith(ED25519_SECRET_PREFIX);
}

/**
 * A new key pair as a `whsk_` secret key (its public key follows from it: {@link ed25519PublicKey}).
 *
 * @example generateEd25519Secret() // "whsk_…88 base64 characters…"
 */
export function generateEd25519Secret(): string {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from(jwk.d ?? "", "base64url"), Buffer.from(jwk.x ?? "", "base64url")]);
  return `${ED25519_SECRET_PREFIX}${raw.toString("base64")}`;
}

/**
 * Reads a `whsk_` secret key. Undefined unless it is base64 of exactly 64 bytes whose second half
 * is the public key of the first (a pasted key with a wrong half would sign with one key and
 * publish another, and no receiver could verify).
 *
 * @example parseEd25519Secret("whsk_6Xb/dCcH…")?.publicKey // "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4="
 */
export function parseEd25519Secret(secret: string): Ed25519Key | undefined {
  if (!isEd25519Secret(secret)) return undefined;
  const encoded = secret.slice(ED25519_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return undefined;
  const raw = Buffer.from(encoded, "base64");
  if (raw.length !== 64 || raw.toString("base64") !== encoded) return undefined;
  const seed = raw.subarray(0, 32);
  const given = raw.subarray(32);
  try {
    // The private key from the seed alone; its public key is derived, then compared with the given half.
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
    const derived = Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).x ?? "", "base64url");
    if (!derived.equals(given)) return undefined;
    return { privateKey, publicKey: `${ED25519_PUBLIC_PREFIX}${derived.toString("base64")}` };
  } catch {
    return undefined;
  }
}

// DER header of a PKCS#8 ed25519 private key (RFC 8410): what precedes the 32-byte seed.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * The `whpk_` public key of a `whsk_` secret key; throws for one that does not parse.
 *
 * @example ed25519PublicKey("whsk_6Xb/dCcH…") // "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4="
 */
export function ed25519PublicKey(secret: string): string {
  return ed25519Key(secret).publicKey;
}

/**
 * A `v1a` signature (base64, 64 bytes) of `content` with a `whsk_` key; throws for a bad key.
 *
 * @example "v1a," + signEd25519("whsk_…", `${msgId}.${timestamp}.${body}`)
 */
export function signEd25519(secret: string, content: string): string {
  return sign(null, Buffer.from(content), ed25519Key(secret).privateKey).toString("base64");
}

// Parsed keys by their text: parsing (import, derive, compare) costs about ten signatures, and a
// worker signs with the same few keys over and over. Bounded; the oldest entry goes first.
const parsed = new Map<string, Ed25519Key>();
const PARSED_MAX = 1024;

function ed25519Key(secret: string): Ed25519Key {
  const cached = parsed.get(secret);
  if (cached) return cached;
  const key = parseEd25519Secret(secret);
  if (!key) throw new Error("ed25519 secret key is not whsk_ + base64 of a 64-byte key pair");
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(secret, key);
  return key;
}
