import type { Kysely } from "kysely";

import { parseJson } from "../lib/json.js";

/**
 * A column holding sealed values (ADR 5). `map` applies a function to each sealed value inside
 * the column's text: the whole text for most, each `key` of the JSON list for `old_secrets`.
 * It returns the text unchanged (the same string) when nothing changed, so callers can skip it.
 */
export interface SealedColumn {
  table: string;
  /** The primary key column, walked in order. */
  key: string;
  column: string;
  map(text: string, seal: (value: string) => string): string;
}

const whole = (text: string, seal: (value: string) => string): string => seal(text);

/**
 * Every sealed column. A new table with a secret (operational-webhook secrets, say) adds a row
 * here and is then sealed by migration 0005's walker, re-sealed by `hookrelay secrets rekey` and
 * counted by `hookrelay secrets status` with no other change.
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: "endpoints", key: "id", column: "secret", map: whole },
  {
    table: "endpoints",
    key: "id",
    column: "old_secrets",
    map: (text, seal) => {
      const old = parseJson<{ key: string; expiresAt: number }[]>(text, []);
      let changed = false;
      const next = old.map((entry) => {
        const key = seal(entry.key);
        if (key !== entry.key) changed = true;
        return { ...entry, key };
      });
      return changed ? JSON.stringify(next) : text;
    },
  },
  { table: "endpoints", key: "id", column: "headers", map: whole },
  { table: "sources", key: "id", column: "config", map: whole },
  { table: "ingest_sources", key: "source_id", column: "token", map: whole },
  { table: "idempotency_keys", key: "key", column: "body", map: whole },
];

export interface ResealOptions {
  /** Rows read and written per statement batch, so a large table never holds a long lock. */
  batchSize?: number;
  /** Count what would change without writing. */
  dryRun?: boolean;
  /**
   * Only these tables. Migration 0005 names the tables of its time: a table a later migration
   * creates does not exist yet when 0005 runs on a fresh database (and is written sealed anyway).
   */
  tables?: readonly string[];
}

/**
 * Walks every sealed column in primary-key order, `batchSize` rows at a time, and writes back each
 * value `seal` changes. Each write is a compare-and-set on the value read: a row changed meanwhile
 * by the API was sealed by it under its current key and is left as it is. Returns the values
 * changed (or, dry, to change) per `table.column`.
 *
 * @example await resealColumns(db, (v) => keyring.reseal(v)) // rekey
 */
export async function resealColumns(
  // The walker serves migrations (Kysely<unknown>) and the running store alike.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  seal: (value: string) => string,
  options: ResealOptions = {},
): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 500;
  const counts: Record<string, number> = {};
  for (const spec of SEALED_COLUMNS) {
    if (options.tables && !options.tables.includes(spec.table)) continue;
    let changed = 0;
    let after: string | undefined;
    for (;;) {
      let q = db.selectFrom(spec.table).select([`${spec.key} as k`, `${spec.column} as v`]);
      if (after !== undefined) q = q.where(spec.key, ">", after);
      const rows = (await q.orderBy(spec.key).limit(batchSize).execute()) as { k: string; v: string }[];
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.k;
      const updates = rows.flatMap((r) => {
        const next = spec.map(r.v, seal);
        return next === r.v ? [] : [{ ...r, next }];
      });
      changed += updates.length;
      if (options.dryRun || updates.length === 0) continue;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const write = async (trx: Kysely<any>): Promise<void> => {
        for (const u of updates) {
          await trx
            .updateTable(spec.table)
            .set({ [spec.column]: u.next })
            .where(spec.key, "=", u.k)
            .where(spec.column, "=", u.v)
            .execute();
        }
      };
      // Inside a migration (PostgreSQL runs them in a transaction) the batch joins it.
      if (db.isTransaction) await write(db);
      else await db.transaction().execute(write);
    }
    counts[`${spec.table}.${spec.column}`] = changed;
  }
  return counts;
}

/**
 * Opens a sample of every sealed column (the first `sample` rows of each) and throws, naming the
 * problem, when the keyring cannot: a start with a lost or wrong key fails at once instead of
 * failing every delivery later.
 *
 * @example await checkSealedColumns(store.db, keyring)
 */
export async function checkSealedColumns(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  open: (value: string) => string,
  sample = 20,
): Promise<void> {
  for (const spec of SEALED_COLUMNS) {
    const rows = (await db.selectFrom(spec.table).select(`${spec.column} as v`).limit(sample).execute()) as {
      v: string;
    }[];
    for (const row of rows) {
      try {
        spec.map(row.v, (value) => {
          open(value);
          return value;
        });
      } catch (error) {
        throw new Error(
          `the data key cannot open ${spec.table}.${spec.column}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
  }
}
