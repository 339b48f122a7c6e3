import type { Kysely, Transaction } from "kysely";

import { BatchLoader } from "../lib/batch-loader.js";
import type { Database, IdempotencyRow } from "./schema.js";

/**
 * Stored responses of POST requests that carried an `Idempotency-Key`. Every official SDK
 * sends one with each message create, so `find` runs once per request: lookups made together
 * are answered by one query.
 */
export class IdempotencyRepository {
  private readonly loader: BatchLoader<string, IdempotencyRow>;

  constructor(private readonly db: Kysely<Database>) {
    this.loader = new BatchLoader(async (keys) => {
      const rows = await this.db.selectFrom("idempotency_keys").selectAll().where("key", "in", keys).execute();
      return new Map(rows.map((r) => [r.key, r]));
    });
  }

  /** The live record under `key` at `now`, if any. */
  async find(key: string, now: number): Promise<IdempotencyRow | undefined> {
    const row = await this.loader.load(key);
    return row && row.expires_at > now ? row : undefined;
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
