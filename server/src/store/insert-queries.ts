import { CompiledQuery } from "kysely";

import type { Dialect } from "./database.js";
import type { Database } from "./schema.js";
import { placeholder } from "./sql-params.js";

/**
 * Rows per statement at most. Fewer, larger statements cost less to run than one per row; the
 * SQL texts (one per row count up to this) stay cached.
 */
const MAX_ROWS = 64;

/**
 * Multi-row INSERTs built as plain SQL text, returned for {@link Store.atomic} to run with the
 * rest of a batch. On the ingest path Kysely's builder (parse, transform, compile of every
 * value) cost more than SQLite took to run the insert. There is one SQL text per row count
 * (1–64), so the prepared-statement cache hits. `columns` fixes the order of values;
 * identifiers are ours, not input.
 *
 * @example await store.atomic([...insertQueries("sqlite", "deliveries", DELIVERY_COLUMNS, rows)])
 */
export function insertQueries<T extends keyof Database & string>(
  dialect: Dialect,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly Database[T][],
  onConflictDoNothing?: keyof Database[T] & string | readonly (keyof Database[T] & string)[],
): CompiledQuery[] {
  const queries: CompiledQuery[] = [];
  for (let offset = 0; offset < rows.length; offset += MAX_ROWS) {
    const chunk = rows.slice(offset, offset + MAX_ROWS);
    const params: unknown[] = [];
    for (const row of chunk) {
      // An optional column left out of the row object is NULL (no driver binds undefined).
      for (const c of columns) params.push((row as unknown as Record<string, unknown>)[c] ?? null);
    }
    queries.push(CompiledQuery.raw(insertSql(dialect, table, columns, chunk.length, onConflictDoNothing), params));
  }
  return queries;
}

const sqlCache = new Map<string, string>();

function insertSql(dialect: Dialect, table: string, columns: readonly string[], rows: number, target?: string | readonly string[]): string {
  const conflict = typeof target === "string" ? [target] : target;
  const key = `${dialect}|${table}|${columns.join(",")}|${rows}|${conflict?.join(",") ?? ""}`;
  let text = sqlCache.get(key);
  if (text) return text;
  let n = 0;
  const tuples = Array.from({ length: rows }, () => `(${columns.map(() => placeholder(dialect, ++n)).join(", ")})`);
  text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values ${tuples.join(", ")}`;
  if (conflict) text += ` on conflict (${conflict.map((c) => `"${c}"`).join(", ")}) do nothing`;
  sqlCache.set(key, text);
  return text;
}
