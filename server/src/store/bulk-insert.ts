import { CompiledQuery, type Kysely, type Transaction } from "kysely";

import type { Dialect } from "./database.js";
import type { Database } from "./schema.js";

/**
 * Rows per statement at most. Each statement is one round trip to the SQLite thread, and under
 * load a round trip waits for a turn of a busy event loop, so a batch is written with as few
 * statements as possible; the SQL texts (one per row count up to this) stay cached.
 */
const MAX_ROWS = 64;

/**
 * Multi-row INSERT built as plain SQL text. On the ingest path Kysely's builder (parse,
 * transform, compile of every value) cost more than SQLite took to run the insert. There is one
 * SQL text per row count (1–64), so the prepared-statement cache hits. `columns` fixes the
 * order of values; identifiers are ours, not input.
 *
 * @example await bulkInsert(trx, "sqlite", "deliveries", DELIVERY_COLUMNS, rows)
 */
export async function bulkInsert<T extends keyof Database & string>(
  db: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly Database[T][],
  onConflictDoNothing?: keyof Database[T] & string,
): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += MAX_ROWS) {
    const chunk = rows.slice(offset, offset + MAX_ROWS);
    const params: unknown[] = [];
    for (const row of chunk) {
      for (const c of columns) params.push((row as unknown as Record<string, unknown>)[c]);
    }
    await db.executeQuery(CompiledQuery.raw(insertSql(dialect, table, columns, chunk.length, onConflictDoNothing), params));
  }
}

const sqlCache = new Map<string, string>();

function insertSql(dialect: Dialect, table: string, columns: readonly string[], rows: number, conflict?: string): string {
  const key = `${dialect}|${table}|${columns.join(",")}|${rows}|${conflict ?? ""}`;
  let text = sqlCache.get(key);
  if (text) return text;
  let n = 0;
  const placeholder = (): string => (dialect === "postgres" ? `$${++n}` : "?");
  const tuples = Array.from({ length: rows }, () => `(${columns.map(placeholder).join(", ")})`);
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${tuples.join(", ")}`;
  if (conflict) text += ` on conflict ("${conflict}") do nothing`;
  sqlCache.set(key, text);
  return text;
}
