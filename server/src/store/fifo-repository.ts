import { type Kysely, sql } from "kysely";

import { type Database, type DeliveryRow, DeliveryStatus } from "./schema.js";

/**
 * Reads and the operator's skip for FIFO endpoints (ADR 18). The head is the endpoint's
 * unfinished delivery (one with a `due_at`) with the smallest message id: one probe of the
 * `deliveries_unfinished` index (migration 0016), as in the claim.
 *
 * @example const head = await fifo.head("ep_…");
 */
export class FifoRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async head(endpointId: string, db: Kysely<Database> = this.db): Promise<DeliveryRow | undefined> {
    return db
      .selectFrom("deliveries")
      .selectAll()
      .where("endpoint_id", "=", endpointId)
      .where("due_at", "is not", null)
      .orderBy("msg_id")
      .limit(1)
      .executeTakeFirst();
  }

  /** Unfinished deliveries of the endpoint, the head included. */
  async waiting(endpointId: string): Promise<number> {
    const row = await this.db
      .selectFrom("deliveries")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("endpoint_id", "=", endpointId)
      .where("due_at", "is not", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The first failed attempt of this message to this endpoint since its last success, if any. */
  async failingSince(msgId: string, endpointId: string): Promise<number | null> {
    const { success, fail } = DeliveryStatus;
    const row = await sql<{ at: string | number | null }>`
      SELECT MIN(created_at) AS at FROM attempts
      WHERE msg_id = ${msgId} AND endpoint_id = ${endpointId} AND status = ${fail}
        AND created_at > COALESCE((SELECT MAX(created_at) FROM attempts
          WHERE msg_id = ${msgId} AND endpoint_id = ${endpointId} AND status = ${success}), 0)`.execute(this.db);
    const at = row.rows[0]?.at;
    return at === null || at === undefined ? null : Number(at);
  }

  /**
   * Marks the delivery failed without a further attempt, unless it is finished or an attempt is
   * out right now (a live lease: its worker would send it anyway). Returns whether it did.
   */
  async skip(trx: Kysely<Database>, deliveryId: string, now: number): Promise<boolean> {
    const { fail, sending } = DeliveryStatus;
    const res = await trx
      .updateTable("deliveries")
      .set({ status: fail, due_at: null, lease_owner: null, next_trigger: 0, updated_at: now })
      .where("id", "=", deliveryId)
      .where("due_at", "is not", null)
      .where((eb) => eb.not(eb.and([eb("status", "=", sending), eb("due_at", ">", now)])))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
