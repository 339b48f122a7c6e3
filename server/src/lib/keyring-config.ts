import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

import { readKeyFile, writeKeyFile } from "./key-file.js";
import { generateKey, Keyring } from "./keyring.js";

/** The name of the key file created in the data directory when no key is configured (SQLite). */
export const DEFAULT_KEY_FILE = "secret.key";

export interface KeyringSettings {
  secretKey?: string | undefined;
  secretKeyPrevious?: readonly string[];
  secretKeyFile?: string | undefined;
  dataDir: string;
  /** PostgreSQL: every instance must share the key, so one is never made up here. */
  postgres: boolean;
}

export interface ConfiguredKeyring {
  keyring: Keyring;
  /** The key file the keys come from (re-read while running), or undefined for the environment. */
  file: string | undefined;
  /** True when this call created the key file (first start). */
  created: boolean;
}

/**
 * The keyring the configuration names (ADR 5): HOOKRELAY_SECRET_KEY (+ _PREVIOUS), or
 * HOOKRELAY_SECRET_KEY_FILE, or, on SQLite only, `secret.key` in the data directory, created with
 * a random key on first start. On PostgreSQL without a key it throws, naming the settings.
 *
 * @example const { keyring } = configuredKeyring({ dataDir: "./data", postgres: false })
 */
export function configuredKeyring(settings: KeyringSettings): ConfiguredKeyring {
  if (settings.secretKey !== undefined) {
    if (settings.secretKeyFile !== undefined) {
      throw new Error("set HOOKRELAY_SECRET_KEY or HOOKRELAY_SECRET_KEY_FILE, not both");
    }
    const keyring = Keyring.of({ current: settings.secretKey, previous: settings.secretKeyPrevious ?? [] });
    return { keyring, file: undefined, created: false };
  }
  if (settings.secretKeyPrevious?.length) {
    throw new Error("HOOKRELAY_SECRET_KEY_PREVIOUS is set without HOOKRELAY_SECRET_KEY");
  }
  if (settings.secretKeyFile !== undefined) {
    if (!existsSync(settings.secretKeyFile)) {
      throw new Error(`HOOKRELAY_SECRET_KEY_FILE names ${settings.secretKeyFile}, which does not exist`);
    }
    return { keyring: fileKeyring(settings.secretKeyFile), file: settings.secretKeyFile, created: false };
  }
  if (settings.postgres) {
    throw new Error(
      "HOOKRELAY_SECRET_KEY is not set. With PostgreSQL every instance must seal secrets with the same key: " +
        "set HOOKRELAY_SECRET_KEY (e.g. the output of `openssl rand -base64 32`) or HOOKRELAY_SECRET_KEY_FILE " +
        "on every instance.",
    );
  }
  const file = join(settings.dataDir, DEFAULT_KEY_FILE);
  let created = false;
  if (!existsSync(file)) {
    try {
      writeKeyFile(file, { current: generateKey(), previous: [] }, true);
      created = true;
    } catch (error) {
      // Another process created it between the check and the write: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return { keyring: fileKeyring(file), file, created };
}

/** A keyring read from a key file and re-read while running, so rekeys reach running processes. */
export function fileKeyring(file: string): Keyring {
  let stamp = fileStamp(file);
  let keys = readKeyFile(file);
  return Keyring.of(keys, {
    reload: () => {
      // Read again only when the file changed: `rekey` replaces it by rename (a new inode).
      const now = fileStamp(file);
      if (now !== stamp) {
        keys = readKeyFile(file);
        stamp = now;
      }
      return keys;
    },
  });
}

function fileStamp(file: string): string {
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
}
