import { type RawBuilder, sql, type SqlBool } from "kysely";

/**
 * "The JSON array stored in `column` has the element `name`", exactly and case-sensitively on
 * both stores. Arrays are stored as `JSON.stringify` writes them, so an element appears as
 * `JSON.stringify(name)`; names that cannot hold a quote or a comma cannot match across
 * elements. `replace` is used because, unlike LIKE (case-insensitive on SQLite, with wildcards),
 * it compares exactly on SQLite and PostgreSQL alike. A NULL column matches nothing.
 *
 * @example q.where(hasJsonElement("tags", "project_1337"))
 */
export function hasJsonElement(column: string, name: string): RawBuilder<SqlBool> {
  const quoted = JSON.stringify(name);
  return sql<SqlBool>`replace(${sql.ref(column)}, ${quoted}, '') <> ${sql.ref(column)}`;
}
