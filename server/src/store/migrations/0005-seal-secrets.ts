import type { Kysely, Migration } from "kysely";

import { isSealed, type Keyring } from "../../lib/keyring.js";
import { resealColumns } from "../sealed-columns.js";

/**
 * Seals the values written in plaintext before secrets were sealed by default (ADR 5): endpoint
 * secrets current and old, custom header maps, source configs and stored idempotent responses.
 * Only values without the `enc:` prefix are touched, so it is safe on a database that already had
 * HOOKRELAY_SECRET_KEY set (those stay v1 until `hookrelay secrets rekey`).
 *
 * Sealing needs the data key, which a migration's `up(db)` does not receive: this one is built
 * with the keyring by {@link migrationProvider}. A store opened without one (tests, on a fresh
 * database) has nothing to seal; one with plaintext rows and no keyring fails here, loudly.
 */
/** The tables with sealed columns when 0005 was written; later tables are sealed from their first row. */
const TABLES = ["endpoints", "sources", "idempotency_keys"] as const;

export function sealSecrets(keyring: Keyring | undefined): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const seal = (value: string): string => {
        if (isSealed(value)) return value;
        if (!keyring) {
          throw new Error(
            "plaintext secrets need sealing, but the store was opened without a data key: " +
              "run `hookrelay migrate` or start the server once (both open it with the key)",
          );
        }
        return keyring.seal(value);
      };
      await resealColumns(db, seal, { tables: TABLES });
    },
    /** The exact inverse: every sealed value opened again (what the versions before 0005 read). */
    async down(db: Kysely<unknown>): Promise<void> {
      await resealColumns(db, (value) => {
        if (!isSealed(value)) return value;
        if (!keyring) throw new Error("sealed secrets can only be opened with the data key");
        return keyring.open(value);
      }, { tables: TABLES });
    },
  };
}
