/**
 * Bound parameters per statement: 7 per delivery update and 14 per counter row (attempt rows go
 * through insertQueries, 64 a statement), so 500 rows stay far below SQLite's 32,766 and
 * PostgreSQL's 65,535.
 */
export const CHUNK = 500;

/**
 * `values` in slices of at most `size`, in order.
 *
 * @example [...chunks([1, 2, 3], 2)] // [[1, 2], [3]]
 */
export function* chunks<T>(values: T[], size: number): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}
