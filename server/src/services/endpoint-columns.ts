/** How endpoint input fields become column values; shared by create, update and patch. */

/** The first of two aliases the client actually sent (`filterTypes`/`eventTypes`, `throttleRate`/`rateLimit`). */
export function either<T>(a: T | undefined, b: T | undefined): T | undefined {
  return a !== undefined ? a : b;
}

/** A JSON list without duplicates, or null for "no filter". */
export function jsonList(list: string[] | null): string | null {
  return list === null ? null : JSON.stringify([...new Set(list)]);
}

/** The column's value for a filter: its JSON, or null for none (an empty filter matches everything). */
export function storedFilter(filter: Record<string, unknown> | null | undefined): string | null {
  return filter && Object.keys(filter).length > 0 ? JSON.stringify(filter) : null;
}
