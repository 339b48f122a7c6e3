import type { Kysely } from "kysely";

import { ApiError } from "../lib/errors.js";
import { auditRowHash, type ChainCheck, ChainVerifier, GENESIS_HASH } from "./audit-chain.js";
import type { Page } from "./paginate.js";
import type { AuditRow, Database } from "./schema.js";

/** What a caller supplies; position, time and hashes are assigned under the chain lock. */
export type NewAuditRow = Omit<AuditRow, "seq" | "at" | "prev_hash" | "hash">;

export interface AuditFilter {
  appId?: string | undefined;
  /** A token id, an actor name, or an actor type ("cli", "portal", "key"). */
  actor?: string | undefined;
  /** Exact action, or a prefix ending in `*` (`endpoint.*`); letters, digits, `.` and `-` only (no LIKE wildcards). */
  action?: string | undefined;
  resourceId?: string | undefined;
  /** Milliseconds since the epoch: `since <= at < until`. */
  since?: number | undefined;
  until?: number | undefined;
}

/** Rows read per round trip while verifying. */
const VERIFY_PAGE = 1_000;

/**
 * The audit log, its chain head and its retention checkpoints (ADR 6).
 *
 * @example await audit.append(trx, { action: "endpoint.update", … }) // inside the change's transaction
 */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Appends a row as the new head of the chain, on `trx`: the transaction of the change it
   * records, so both commit or neither does. The first statement increments the head's seq,
   * which on PostgreSQL locks the head row until commit; concurrent appends (any instance)
   * queue there, so every row names the one committed before it. On SQLite the transaction
   * already holds the database's write lock. Call it last in the transaction, so the head is
   * held only for the commit.
   */
  async append(trx: Kysely<Database>, entry: NewAuditRow, now: number = Date.now()): Promise<AuditRow> {
    const head = await trx
      .updateTable("audit_chain")
      .set((eb) => ({ seq: eb("seq", "+", 1) }))
      .where("id", "=", 1)
      .returning(["seq", "hash"])
      .executeTakeFirstOrThrow();
    const unhashed = { ...entry, seq: Number(head.seq), at: now, prev_hash: head.hash };
    const row: AuditRow = { ...unhashed, hash: auditRowHash(unhashed) };
    await trx.insertInto("audit_log").values(row).execute();
    await trx.updateTable("audit_chain").set({ hash: row.hash }).where("id", "=", 1).execute();
    return row;
  }

  /**
   * Newest first. `iterator` is the seq of the last row of the previous page; `prevIterator`
   * is `-` + the first row's seq, to walk back towards newer rows.
   */
  async list(
    filter: AuditFilter,
    page: { limit: number; iterator?: string | undefined },
  ): Promise<Page<AuditRow>> {
    let cursor = page.iterator;
    const backwards = cursor?.startsWith("-") ?? false;
    if (backwards) cursor = cursor!.slice(1);
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
      throw ApiError.badRequest("Invalid iterator", "invalid_iterator");
    }
    let q = this.db.selectFrom("audit_log").selectAll();
    if (filter.appId !== undefined) q = q.where("app_id", "=", filter.appId);
    if (filter.resourceId !== undefined) q = q.where("resource_id", "=", filter.resourceId);
    if (filter.since !== undefined) q = q.where("at", ">=", filter.since);
    if (filter.until !== undefined) q = q.where("at", "<", filter.until);
    if (filter.action !== undefined) {
      q = filter.action.endsWith("*")
        ? q.where("action", "like", `${filter.action.slice(0, -1)}%`)
        : q.where("action", "=", filter.action);
    }
    const actor = filter.actor;
    if (actor !== undefined) {
      q = q.where((eb) =>
        eb.or([eb("actor_id", "=", actor), eb("actor_name", "=", actor), eb("actor_type", "=", actor)]),
      );
    }
    if (cursor !== undefined) q = q.where("seq", backwards ? ">" : "<", Number(cursor));
    const rows = await q
      .orderBy("seq", backwards ? "asc" : "desc")
      .limit(page.limit + 1)
      .execute();
    const data = rows.slice(0, page.limit);
    if (backwards) data.reverse();
    const first = data[0]?.seq;
    const last = data[data.length - 1]?.seq;
    return {
      data,
      iterator: last !== undefined ? String(last) : (cursor ?? null),
      prevIterator: first !== undefined ? `-${first}` : null,
      done: backwards ? false : rows.length <= page.limit,
    };
  }

  /**
   * Recomputes every kept row's hash and link, starting from the latest retention checkpoint
   * (or the genesis), and checks the head names the last row.
   */
  async verify(): Promise<ChainCheck> {
    const checkpoint = await this.db
      .selectFrom("audit_checkpoints")
      .select(["seq", "hash"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const fromSeq = checkpoint ? Number(checkpoint.seq) + 1 : 1;
    const verifier = new ChainVerifier(fromSeq, checkpoint?.hash ?? GENESIS_HASH);
    // The head is read first: rows appended while verifying lie beyond it and are not checked.
    const head = await this.db
      .selectFrom("audit_chain")
      .select(["seq", "hash"])
      .where("id", "=", 1)
      .executeTakeFirstOrThrow();
    let after = fromSeq - 1;
    let broken = null;
    for (;;) {
      const rows = await this.db
        .selectFrom("audit_log")
        .selectAll()
        .where("seq", ">", after)
        .where("seq", "<=", head.seq)
        .orderBy("seq")
        .limit(VERIFY_PAGE)
        .execute();
      broken = verifier.check(rows);
      if (broken || rows.length < VERIFY_PAGE) break;
      after = rows[rows.length - 1]!.seq;
    }
    broken ??= verifier.finish({ seq: Number(head.seq), hash: head.hash });
    return { ok: broken === null, checked: verifier.count, fromSeq, firstBroken: broken };
  }

  /**
   * Retention: deletes up to `limit` of the oldest rows written before `cutoff`, always a
   * prefix of the chain, and records the last deleted row's seq and hash as a checkpoint in
   * the same transaction, so verification starts from it. Holds the chain head meanwhile, so
   * two instances' runs cannot record overlapping checkpoints. Returns the rows deleted.
   */
  async deleteBefore(cutoff: number, limit: number, now: number = Date.now()): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("audit_chain")
        .set((eb) => ({ seq: eb.ref("seq") }))
        .where("id", "=", 1)
        .execute();
      const oldest = await trx
        .selectFrom("audit_log")
        .select(["seq", "at", "hash"])
        .orderBy("seq")
        .limit(limit)
        .execute();
      const firstKept = oldest.findIndex((r) => r.at >= cutoff);
      const cut = firstKept === -1 ? oldest[oldest.length - 1] : oldest[firstKept - 1];
      if (!cut) return 0;
      const deleted = await trx.deleteFrom("audit_log").where("seq", "<=", cut.seq).executeTakeFirst();
      await trx
        .insertInto("audit_checkpoints")
        .values({ seq: cut.seq, hash: cut.hash, created_at: now })
        .execute();
      return Number(deleted.numDeletedRows);
    });
  }
}
