import type { SignatureAlgorithm } from "../contract/endpoints.js";
import { generateEd25519Secret, isEd25519Secret, parseEd25519Secret } from "../lib/ed25519-keys.js";
import { ApiError } from "../lib/errors.js";
import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";
import { type SignatureScheme, signatureSchemeOf } from "../lib/signature-schemes.js";
import { generateSecret, unexpiredSecrets, withSecretPrefix } from "../lib/standard-webhooks.js";
import type { OldSecret } from "../store/endpoints-repository.js";
import type { EndpointRow } from "../store/schema.js";

/** Previous secrets kept signing after rotations; the oldest beyond this are dropped early. */
const MAX_OLD_SECRETS = 5;

/** The columns that hold an endpoint's signing key. */
export type SigningColumns = Pick<EndpointRow, "secret" | "public_key">;

/**
 * The signing columns for a new key: `key` as given (`whsec_…`, bare base64, or an ed25519
 * `whsk_…`), or one generated for `algorithm`. The secret is sealed; an ed25519 key's public
 * key is kept in plain text beside it. A key of the other kind than `algorithm` is a 422.
 *
 * @example Object.assign(row, signingKey(undefined, "ed25519", keyring)) // { secret: <sealed whsk_…>, public_key: "whpk_…" }
 */
export function signingKey(key: string | undefined, algorithm: SignatureAlgorithm | undefined, keyring: Keyring): SigningColumns {
  if (key !== undefined && algorithm !== undefined && algorithmOfSecret(key) !== algorithm) {
    throw new ApiError(422, "signature_algorithm_mismatch", `The key given is not an ${algorithm} key; leave out signatureAlgorithm or the key`);
  }
  const secret = key !== undefined ? (isEd25519Secret(key) ? key : withSecretPrefix(key)) : algorithm === "ed25519" ? generateEd25519Secret() : generateSecret();
  return { secret: keyring.seal(secret), public_key: isEd25519Secret(secret) ? (parseEd25519Secret(secret)?.publicKey ?? null) : null };
}

/**
 * A new endpoint's signing columns: its key ({@link signingKey}; with neither key nor algorithm,
 * one of `defaultAlgorithm`, HOOKRELAY_DEFAULT_SIGNATURE_ALGORITHM) and scheme, refused (422)
 * when the scheme cannot sign with that key.
 *
 * @example Object.assign(row, newEndpointSigning({ signatureAlgorithm: "ed25519" }, keyring))
 */
export function newEndpointSigning(
  input: { secret?: string | null | undefined; signatureAlgorithm?: SignatureAlgorithm | null | undefined; signatureScheme?: SignatureScheme | null | undefined },
  keyring: Keyring,
  defaultAlgorithm: SignatureAlgorithm = "hmac-sha256",
): SigningColumns & Pick<EndpointRow, "signature_scheme"> {
  const scheme = signatureSchemeOf(input.signatureScheme);
  // The server's default kind applies only when nothing was asked for, and never to the HMAC-only scheme.
  const fallback = input.secret || scheme === "x-webhook-signature" ? undefined : defaultAlgorithm;
  const key = signingKey(input.secret ?? undefined, input.signatureAlgorithm ?? fallback, keyring);
  assertSchemeFitsKey(scheme, algorithmOfRow(key));
  return { ...key, signature_scheme: scheme };
}

/**
 * The algorithm a secret signs with, by its prefix.
 *
 * @example algorithmOfSecret("whsk_…") // "ed25519"
 */
export function algorithmOfSecret(secret: string): SignatureAlgorithm {
  return isEd25519Secret(secret) ? "ed25519" : "hmac-sha256";
}

/** The algorithm of an endpoint's current key: ed25519 exactly when it has a public key. */
export function algorithmOfRow(row: Pick<EndpointRow, "public_key">): SignatureAlgorithm {
  return row.public_key ? "ed25519" : "hmac-sha256";
}

/**
 * Refuses a scheme that cannot sign with the endpoint's key: `x-webhook-signature` is an HMAC
 * scheme, so it needs a `whsec_` secret.
 *
 * @example assertSchemeFitsKey("x-webhook-signature", "ed25519") // throws a 422
 */
export function assertSchemeFitsKey(scheme: SignatureScheme | string | undefined, algorithm: SignatureAlgorithm): void {
  if (signatureSchemeOf(scheme) === "x-webhook-signature" && algorithm === "ed25519") {
    throw new ApiError(
      422,
      "signature_scheme_mismatch",
      "The x-webhook-signature scheme signs with HMAC-SHA256 and needs a whsec_ secret; the endpoint's key is ed25519",
    );
  }
}

/**
 * An endpoint's signing columns after a rotation at `now`: the new key (`key`, or one generated
 * for `algorithm`, by default the kind the endpoint has) sealed, and the current secret added
 * to the old ones for `graceSeconds` (none at 0, which means "stop signing with it now");
 * expired ones are dropped. During the grace both keys sign, whatever their kinds (`v1,` and
 * `v1a,` side by side).
 *
 * @example Object.assign(values, rotatedSecret(row, undefined, 86_400, keyring, Date.now()))
 */
export function rotatedSecret(
  row: Pick<EndpointRow, "secret" | "old_secrets" | "public_key" | "signature_scheme">,
  key: string | undefined,
  graceSeconds: number,
  keyring: Keyring,
  now: number,
  algorithm?: SignatureAlgorithm,
): Pick<EndpointRow, "secret" | "old_secrets" | "public_key"> {
  const next = signingKey(key, key === undefined ? (algorithm ?? algorithmOfRow(row)) : algorithm, keyring);
  assertSchemeFitsKey(row.signature_scheme, algorithmOfRow(next));
  const old = unexpiredSecrets(parseJson<OldSecret[]>(row.old_secrets, []), now);
  if (graceSeconds > 0) old.unshift({ key: row.secret, expiresAt: now + graceSeconds * 1000 });
  return { ...next, old_secrets: JSON.stringify(old.slice(0, MAX_OLD_SECRETS)) };
}
