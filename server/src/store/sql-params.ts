import type { Dialect } from "./database.js";

/**
 * The `position`-th (1-based) positional parameter in the store's syntax: `$n` on PostgreSQL,
 * `?` on SQLite. The one place the two syntaxes differ for the SQL written as plain text.
 *
 * @example placeholder("postgres", 3) // "$3"; placeholder("sqlite", 3) // "?"
 */
export function placeholder(dialect: Dialect, position: number): string {
  return dialect === "postgres" ? `$${position}` : "?";
}

/**
 * Positional parameters collected while SQL text is written. The batch statements of the queue
 * are written as SQL text because Kysely's builder and compiler, visiting a node per value, cost
 * more than SQLite takes to run them: a batch of 200 results took about 15 ms to record
 * through `insertInto().values()` and `sql` templates, 9 ms as plain text (most of it the commit).
 *
 * @example
 * const p = new SqlParams("postgres");
 * const text = `UPDATE deliveries SET status = ${p.add(0)} WHERE id = ${p.add(id)}`; // $1, $2
 * CompiledQuery.raw(text, p.values);
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: Dialect) {}

  /** Adds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return placeholder(this.dialect, this.values.length);
  }
}
