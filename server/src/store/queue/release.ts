import type { Kysely } from "kysely";

import { type Database, DeliveryStatus } from "../schema.js";
import { CHUNK, chunks } from "./chunks.js";

/**
 * Hands leased rows back as pending at `dueAt` (a worker shutting down, or one that claimed
 * more than it can send). Only rows this owner still holds are touched; returns how many.
 *
 * @example await releaseDeliveries(db, unsent.map((c) => c.delivery.id), "w1", Date.now());
 */
export async function releaseDeliveries(
  db: Kysely<Database>,
  ids: string[],
  owner: string,
  dueAt: number,
): Promise<number> {
  let released = 0;
  for (const chunk of chunks(ids, CHUNK)) {
    const res = await db
      .updateTable("deliveries")
      .set({ status: DeliveryStatus.pending, due_at: dueAt, lease_owner: null, updated_at: dueAt })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", DeliveryStatus.sending)
      .executeTakeFirst();
    released += Number(res.numUpdatedRows);
  }
  return released;
}
