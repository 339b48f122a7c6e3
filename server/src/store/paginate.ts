import type { SelectQueryBuilder } from "kysely";

import { ApiError } from "../lib/errors.js";

/**
 * One page of a listing: Svix's list envelope as the store returns it. `contract/common.ts` keeps
 * its own structurally equal copy so that store never imports the contract (the flow is one-way).
 *
 * @example const page: Page<MessageRow> = await paginate(query, "id", { limit: 50 }, "descending");
 */
export interface Page<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/**
 * What a caller asks of a listing: the page size, Svix's `iterator` and the order.
 *
 * @example const request: PageRequest = { limit: 50, iterator: "msg_2a", order: "ascending" };
 */
export interface PageRequest {
  limit: number;
  iterator?: string | undefined;
  order?: "ascending" | "descending" | undefined;
}

/**
 * Keyset pagination on a time-sortable id column: Svix's `iterator` is the last id of the
 * previous page, `prevIterator` is `-` + the first id (pass it back to walk backwards).
 * One extra row is fetched to know whether the listing is `done` without a count query.
 *
 * @example paginate(db.selectFrom("messages").selectAll().where("app_id", "=", id), "id", req, "descending")
 */
export async function paginate<DB, TB extends keyof DB, O extends { [K in C]: string }, C extends string>(
  query: SelectQueryBuilder<DB, TB, O>,
  column: C,
  request: PageRequest,
  defaultOrder: "ascending" | "descending",
  /** The column as the WHERE clause must name it when a join makes `column` ambiguous ("d.id"). */
  qualified: string = column,
): Promise<Page<O>> {
  const order = request.order ?? defaultOrder;
  let backwards = false;
  let cursor = request.iterator;
  if (cursor?.startsWith("-")) {
    backwards = true;
    cursor = cursor.slice(1);
  }
  if (cursor !== undefined && !/^[a-zA-Z0-9_\-.]{1,256}$/.test(cursor)) {
    throw ApiError.badRequest("Invalid iterator", "invalid_iterator");
  }
  const ascending = (order === "ascending") !== backwards;
  // Kysely cannot type a column given as a plain string across generic tables.
  const ref = column as unknown as Parameters<typeof query.orderBy>[0];
  let q = query;
  if (cursor !== undefined) {
    q = q.where(qualified as never, ascending ? ">" : "<", cursor as never);
  }
  const rows = await q
    .orderBy(ref, ascending ? "asc" : "desc")
    .limit(request.limit + 1)
    .execute();
  const more = rows.length > request.limit;
  const data = rows.slice(0, request.limit) as O[];
  if (backwards) data.reverse();
  const first = data[0]?.[column];
  const last = data[data.length - 1]?.[column];
  return {
    data,
    iterator: last ?? cursor ?? null,
    prevIterator: first !== undefined ? `-${first}` : null,
    done: backwards ? false : !more,
  };
}

/** Applies `map` to every row of a page. */
export function mapPage<A, B>(page: Page<A>, map: (a: A) => B): Page<B> {
  return { ...page, data: page.data.map(map) };
}
