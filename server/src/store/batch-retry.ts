import { isDatabaseUnavailable } from "../lib/db-errors.js";

/**
 * What became of one item of a batch: its result, or the error that kept it from being written.
 *
 * @example const outcome: ItemOutcome<number> = { ok: false, error: new Error("unique violation") };
 */
export type ItemOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Writes a batch in one go with `all` (one transaction, all or nothing); if that fails, writes
 * each item on its own with `one`, so a single bad item (a unique violation, a row gone
 * meanwhile) cannot fail its neighbours. Two exceptions: a batch of one has nothing to retry,
 * and with the database unreachable every retry would fail the same way after waiting out its
 * own connect timeout, so the whole batch fails at once with the batch's error (the API answers
 * 503; the worker's leases expire and the rows are claimed again).
 *
 * @example
 * const outcomes = await writeBatchOrEach(rows,
 *   async (all) => { await store.atomic(queriesFor(all)); return all.map(() => true); },
 *   async (row) => { await store.atomic(queriesFor([row])); return true; });
 */
export async function writeBatchOrEach<I, O>(
  items: I[],
  all: (items: I[]) => Promise<O[]>,
  one: (item: I) => Promise<O>,
): Promise<ItemOutcome<O>[]> {
  let batchError: unknown;
  try {
    const results = await all(items);
    return items.map((_, i) => ({ ok: true, value: results[i] as O }));
  } catch (error) {
    batchError = error;
  }
  if (items.length === 1 || isDatabaseUnavailable(batchError)) {
    return items.map(() => ({ ok: false, error: batchError }));
  }
  const outcomes: ItemOutcome<O>[] = [];
  for (const item of items) {
    try {
      outcomes.push({ ok: true, value: await one(item) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
