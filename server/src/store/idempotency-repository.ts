import type { Kysely, Transaction } from "kysely";

import type { Database, IdempotencyRow } from "./schema.js";

/** Stored responses of POST requests that carried an `Idempotency-Key`. */
export class IdempotencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(key: string, now: number): Promise<IdempotencyRow | undefined> {
    return this.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("key", "=", key)
      .where("expires_at", ">", now)
      .executeTakeFirst();
  }

  /** Stores a response unless one is already stored under the key (first writer wins). */
  async save(row: IdempotencyRow, trx: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    await trx
      .insertInto("idempotency_keys")
      .values(row)
      .onConflict((oc) => oc.column("key").doUpdateSet(row).where("idempotency_keys.expires_at", "<=", row.created_at))
      .execute();
  }

  /** Deletes expired records, at most `batch` at a time so ingest is never blocked for long. */
  async purgeExpired(now: number, batch = 5_000): Promise<number> {
    const r = await this.db
      .deleteFrom("idempotency_keys")
      .where("key", "in", (qb) =>
        qb.selectFrom("idempotency_keys").select("key").where("expires_at", "<=", now).limit(batch),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
