import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";
import { generateSecret, unexpiredSecrets, withSecretPrefix } from "../lib/standard-webhooks.js";
import type { OldSecret } from "../store/endpoints-repository.js";
import type { EndpointRow } from "../store/schema.js";

/** Previous secrets kept signing after rotations; the oldest beyond this are dropped early. */
const MAX_OLD_SECRETS = 5;

/**
 * An endpoint's secret columns after a rotation at `now`: the new secret (`key`, or a generated
 * one) sealed, and the current secret added to the old ones for `graceSeconds` (none at 0, which
 * means "stop signing with it now"); expired ones are dropped.
 *
 * @example Object.assign(values, rotatedSecret(row, undefined, 86_400, keyring, Date.now()))
 */
export function rotatedSecret(
  row: Pick<EndpointRow, "secret" | "old_secrets">,
  key: string | undefined,
  graceSeconds: number,
  keyring: Keyring,
  now: number,
): Pick<EndpointRow, "secret" | "old_secrets"> {
  const old = unexpiredSecrets(parseJson<OldSecret[]>(row.old_secrets, []), now);
  if (graceSeconds > 0) old.unshift({ key: row.secret, expiresAt: now + graceSeconds * 1000 });
  return {
    secret: keyring.seal(key ? withSecretPrefix(key) : generateSecret()),
    old_secrets: JSON.stringify(old.slice(0, MAX_OLD_SECRETS)),
  };
}
