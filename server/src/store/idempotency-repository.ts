import type { Kysely, Transaction } from "kysely";

import { BatchLoader } from "../lib/batch-loader.js";
import type { Keyring } from "../lib/keyring.js";
import type { Database, IdempotencyRow } from "./schema.js";

/**
 * Stored responses of POST requests that carried an `Idempotency-Key`. Every official SDK
 * sends one with each message create, so `find` runs once per request: lookups made together
 * are answered by one query.
 *
 * Bodies are sealed at rest (ADR 5): some responses carry a secret made by the request (a new API
 * token, a portal token, an endpoint's generated signing secret), and sealing every body is
 * simpler than knowing which. Records are keyed by the hash of (token id, Idempotency-Key), so a
 * stored response is only ever replayed to the token that made the request.
 */
export class IdempotencyRepository {
  private readonly loader: BatchLoader<string, IdempotencyRow>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keyring: Keyring,
  ) {
    this.loader = new BatchLoader(async (keys) => {
      const rows = await this.db.selectFrom("idempotency_keys").selectAll().where("key", "in", keys).execute();
      return new Map(rows.map((r) => [r.key, r]));
    });
  }

  /** The live record under `key` at `now`, if any, its body opened. */
  async find(key: string, now: number): Promise<IdempotencyRow | undefined> {
    const row = await this.loader.load(key);
    return row && row.expires_at > now ? { ...row, body: this.keyring.open(row.body) } : undefined;
  }

  /** The record as stored: its body sealed. For callers writing it in their own statements. */
  sealed(row: IdempotencyRow): IdempotencyRow {
    return { ...row, body: this.keyring.seal(row.body) };
  }

  /** Stores a response unless one is already stored under the key (first writer wins). */
  async save(plain: IdempotencyRow, trx: Kysely<Database> | Transaction<Database> = this.db): Promise<void> {
    const row = this.sealed(plain);
    await trx
      .insertInto("idempotency_keys")
      .values(row)
      .onConflict((oc) => oc.column("key").doUpdateSet(row).where("idempotency_keys.expires_at", "<=", row.created_at))
      .execute();
  }
}
