import { randomBytes } from "node:crypto";

import { ed25519PublicKey, generateEd25519Secret } from "../lib/ed25519-keys.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";
import { generateSecret } from "../lib/standard-webhooks.js";
import type { BackupRow } from "../store/backup-tables.js";
import { SECRET_FIELDS } from "./source-config.js";

/**
 * A backup that cannot be restored here, with why: 400 through the API (409 for a non-empty
 * instance); the command line prints the message and exits 1.
 *
 * @example throw new BackupError("not a Hookrelay backup");
 */
export class BackupError extends ApiError {
  constructor(detail: string, status = 400, code = "invalid_backup") {
    super(status, code, detail);
    this.name = "BackupError";
  }
}

/**
 * How one sealed column is left out of a backup (`--omit-secrets`) and what an import puts in
 * its place. `omit` sees the opened value and returns what the backup may carry in clear (null
 * or the non-secret part); `restore` makes the value to seal and says what the operator must
 * know (a new secret, headers to set again), or nothing.
 */
interface OmitRule {
  omit(plain: string): unknown;
  restore(kept: unknown, row: BackupRow): { plain: string; note?: string };
}

const label = (row: BackupRow): string => `${String(row.id)}${row.uid ? ` (${String(row.uid)})` : ""}`;

/**
 * The rules by `table.column`. A sealed column of a backed-up table with no rule here makes
 * `--omit-secrets` refuse, naming it: better than a backup that silently loses it.
 */
export const OMIT_RULES: Record<string, OmitRule> = {
  "endpoints.secret": {
    omit: () => null,
    restore: (_kept, row) => {
      // An ed25519 endpoint (ADR 19) gets a new key pair of its kind, and its public key follows.
      if (!row.public_key) return { plain: generateSecret(), note: `endpoint ${label(row)}: new signing secret (read it with GET …/endpoint/{id}/secret and give it to the receiver)` };
      const secret = generateEd25519Secret();
      row.public_key = ed25519PublicKey(secret);
      return { plain: secret, note: `endpoint ${label(row)}: new ed25519 key pair (give the receiver the public key from GET …/endpoint/{id}/secret)` };
    },
  },
  "ingest_sources.token": {
    // The token is the ingest URL's only credential (ADR 20): a new one, and its lookup hash with it.
    omit: () => null,
    restore: (_kept, row) => {
      const token = randomBytes(32).toString("base64url");
      row.token_hash = sha256Hex(token);
      return { plain: token, note: `ingest source ${String(row.source_id)}: new ingest URL (read it with GET /ingest/api/v1/source/{id} and give it to the provider)` };
    },
  },
  // Retired secrets still in their grace period: gone with the current one.
  "endpoints.old_secrets": { omit: () => null, restore: () => ({ plain: "[]" }) },
  "endpoints.headers": {
    // Header values may be credentials; their names are kept so the operator knows what to set.
    omit: (plain) => Object.fromEntries(Object.keys(parseJson<Record<string, string>>(plain, {})).map((name) => [name, null])),
    restore: (kept, row) => {
      const names = Object.keys((kept as Record<string, unknown> | null) ?? {});
      return { plain: "{}", ...(names.length > 0 ? { note: `endpoint ${label(row)}: headers ${names.join(", ")} were not in the backup; set them again` } : {}) };
    },
  },
  "sources.config": {
    // The allowlist, limits and provider options stay; the credential fields become null.
    omit: (plain) => {
      const config = parseJson<Record<string, unknown>>(plain, {});
      for (const field of SECRET_FIELDS) if (field in config) config[field] = null;
      return config;
    },
    restore: (kept, row) => {
      const config = { ...((kept as Record<string, unknown> | null) ?? {}) };
      const missing = SECRET_FIELDS.filter((field) => field in config && config[field] === null);
      // A random stand-in keeps the source closed: nothing verifies until the real one is set.
      for (const field of missing) config[field] = randomBytes(24).toString("hex");
      return {
        plain: JSON.stringify(config),
        ...(missing.length > 0
          ? { note: `source ${label(row)} (${String(row.provider)}): ${missing.join(", ")} not in the backup; a random stand-in rejects every request until you set the provider's value (PUT …/source/{id})` }
          : {}),
      };
    },
  },
};

/**
 * The ids of the data keys that sealed a set of values (`enc:v2:<id>:…`), for the backup's header.
 *
 * @example sealedKeyIds(["enc:v2:1a2b3c4d:…"]) // ["1a2b3c4d"]
 */
export function sealedKeyIds(values: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const value of values) {
    const match = /^enc:v2:([^:]+):/.exec(value);
    if (match) ids.add(match[1]!);
  }
  return [...ids].sort();
}

/**
 * A sealed value re-sealed under this instance's current key; an error naming the column when
 * the key ring cannot open it (a backup from an instance whose key this one lacks).
 *
 * @example resealOrExplain(keyring, "endpoints.secret", value)
 */
export function resealOrExplain(keyring: Keyring, where: string, value: string): string {
  try {
    return keyring.reseal(value);
  } catch (error) {
    throw new BackupError(
      `cannot open the backup's ${where}: ${(error as Error).message}. Import with the exporting instance's data key in the key ring, or export again with --omit-secrets`,
    );
  }
}
