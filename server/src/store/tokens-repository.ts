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

  /** The token whose current secret, or previous secret (rotation grace), has this hash. */
  async findByHash(hash: string): Promise<TokenRow | undefined> {
    return this.db
      .selectFrom("tokens")
      .selectAll()
      .where((eb) => eb.or([eb("token_hash", "=", hash), eb("previous_hash", "=", hash)]))
      .executeTakeFirst();
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

  /** Admin keys (every application, the admin scope) that are neither revoked nor expired. */
  async countActive(now: number): Promise<number> {
    const r = await this.db
      .selectFrom("tokens")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("revoked_at", "is", null)
      .where("app_id", "is", null)
      .where("kind", "=", "key")
      .where("scopes", "like", '%"admin"%')
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async update(
    id: string,
    set: Partial<Omit<TokenRow, "id" | "created_at">>,
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    const r = await db
      .updateTable("tokens")
      .set(set)
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Shortens the life of an application's portal sessions to `until` (those already ending
   * sooner are left alone); with `sessionIds`, only sessions opened with one of them.
   */
  async expirePortalSessions(
    appId: string,
    until: number,
    sessionIds?: readonly string[],
    db: Kysely<Database> = this.db,
  ): Promise<number> {
    let q = db
      .updateTable("tokens")
      .set({ expires_at: until })
      .where("app_id", "=", appId)
      .where("kind", "=", "portal")
      .where("revoked_at", "is", null)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", until)]));
    if (sessionIds && sessionIds.length > 0) q = q.where("session_id", "in", sessionIds);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Adds a batch of usage (TokenUsage): `count` more requests, the last at `at` from `ip`. */
  async recordUsage(id: string, count: number, at: number, ip: string): Promise<void> {
    await this.db
      .updateTable("tokens")
      .set((eb) => ({
        request_count: eb("request_count", "+", count),
        last_used_at: at,
        last_used_ip: ip,
      }))
      .where("id", "=", id)
      .execute();
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
