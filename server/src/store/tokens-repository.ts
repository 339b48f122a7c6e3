import type { Kysely } from "kysely";

import type { Database, TokenRow } from "./schema.js";

/** API tokens, stored only as SHA-256 hashes. */
export class TokensRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Writes take `db`: the transaction of the change's audit row (AuditLog.run). */
  async insert(row: TokenRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto("tokens").values(row).execute();
  }

  /** Inserts unless a token with the same hash exists (instances starting together race here). */
  async insertIfAbsent(row: TokenRow): Promise<void> {
    await this.db
      .insertInto("tokens")
      .values(row)
      .onConflict((oc) => oc.column("token_hash").doNothing())
      .execute();
  }

  async findByHash(hash: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom("tokens").selectAll().where("token_hash", "=", hash).executeTakeFirst();
  }

  async findById(id: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom("tokens").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Tokens that are not revoked, newest first; portal tokens (short-lived, app-scoped) included. */
  async list(limit: number, before?: string): Promise<TokenRow[]> {
    let q = this.db.selectFrom("tokens").selectAll().where("revoked_at", "is", null);
    if (before) q = q.where("id", "<", before);
    return q.orderBy("id", "desc").limit(limit).execute();
  }

  async countActive(): Promise<number> {
    const r = await this.db
      .selectFrom("tokens")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("revoked_at", "is", null)
      .where("app_id", "is", null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async revoke(id: string, at: number, db: Kysely<Database> = this.db): Promise<boolean> {
    const r = await db
      .updateTable("tokens")
      .set({ revoked_at: at })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
