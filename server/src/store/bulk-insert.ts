import { CompiledQuery, type Kysely, type Transaction } from "kysely";

import type { Dialect } from "./database.js";
import type { Database } from "./schema.js";

/** Rows per statement; a batch is cut into these sizes so the same few SQL texts repeat. */
const CHUNKS = [64, 8, 1];

/**
 * Multi-row INSERT built as plain SQL text. On the ingest path Kysely's builder (parse,
 * transform, compile of every value) cost more than SQLite took to run the insert; and since
 * batches are cut into fixed sizes (64, 8, 1 rows), the SQL text repeats and the prepared
 * statement cache hits. `columns` fixes the order of values; identifiers are ours, not input.
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
  let offset = 0;
  for (const size of CHUNKS) {
    while (rows.length - offset >= size) {
      const chunk = rows.slice(offset, offset + size);
      offset += size;
      const params: unknown[] = [];
      for (const row of chunk) {
        for (const c of columns) params.push((row as unknown as Record<string, unknown>)[c]);
      }
      await db.executeQuery(CompiledQuery.raw(insertSql(dialect, table, columns, size, onConflictDoNothing), params));
    }
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
