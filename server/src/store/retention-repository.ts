import type { Kysely, SelectQueryBuilder } from "kysely";

import { idAt } from "../lib/ids.js";
import type { Dialect, Store } from "./database.js";
import { type Database, DeliveryStatus } from "./schema.js";

/**
 * Retention, one bounded batch per call: each method touches at most `limit` rows in one short
 * statement and returns how many it touched, so the caller can pause between batches and a
 * deletion of millions of rows never holds SQLite's single writer (or PostgreSQL's row locks)
 * for long. Each statement is `… WHERE key IN (SELECT key … ORDER BY … LIMIT n)`, the form both
 * engines accept (SQLite has no `DELETE … LIMIT` unless built with it), and walks an index:
 *
 * - payloads: the partial index `messages_payload_expires` holds only rows that still have a
 *   payload, so expired-and-done rows are never scanned again;
 * - attempts: `attempts_created`;
 * - deliveries: the primary key, whose ids sort by creation time (`idAt` gives the bound),
 *   filtered to finished rows not touched since the cutoff;
 * - idempotency keys: `idempotency_expires`;
 * - inbound requests: `inbound_requests_received` (their re-process links go with them, by the
 *   foreign key's cascade).
 *
 * On PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so two worker instances
 * running retention at once split the work instead of queueing on each other's rows.
 *
 * Messages themselves are kept (like Svix, which keeps the message and drops its content), and
 * the hourly counters (`stats_hourly`) are what the dashboard's figures survive on.
 *
 * @example
 * const retention = new RetentionRepository(store);
 * while ((await retention.deleteAttempts(Date.now() - 90 * 86_400_000, 2_000)) > 0) await sleep(100);
 */
export class RetentionRepository {
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;

  constructor(store: Pick<Store, "db" | "dialect">) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  /** Nulls the payload of messages whose `expires_at` has passed. */
  async expirePayloads(now: number, limit: number): Promise<number> {
    const r = await this.db
      .updateTable("messages")
      .set({ payload: null })
      .where("id", "in", () =>
        this.lock(
          this.db
            .selectFrom("messages")
            .select("id")
            .where("payload", "is not", null)
            .where("expires_at", "<=", now)
            .orderBy("expires_at")
            .limit(limit),
        ),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Deletes attempts created before `before`. */
  async deleteAttempts(before: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom("attempts")
      .where("id", "in", () =>
        this.lock(
          this.db
            .selectFrom("attempts")
            .select("id")
            .where("created_at", "<", before)
            .orderBy("created_at")
            .limit(limit),
        ),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Deletes finished deliveries (succeeded or failed, nothing due) created and last changed
   * before `before`. A delivery still pending, sending, or resent since the cutoff stays.
   */
  async deleteFinishedDeliveries(before: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom("deliveries")
      .where("id", "in", () =>
        this.lock(
          this.db
            .selectFrom("deliveries")
            .select("id")
            .where("id", "<", idAt("dlv", new Date(before)))
            .where("due_at", "is", null)
            .where("status", "in", [DeliveryStatus.success, DeliveryStatus.fail])
            .where("updated_at", "<", before)
            .orderBy("id")
            .limit(limit),
        ),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Deletes idempotency records past their expiry. */
  async deleteExpiredIdempotencyKeys(now: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom("idempotency_keys")
      .where("key", "in", () =>
        this.lock(
          this.db
            .selectFrom("idempotency_keys")
            .select("key")
            .where("expires_at", "<=", now)
            .orderBy("expires_at")
            .limit(limit),
        ),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /**
   * Deletes inbound log rows received before `before`. Until this ran here, the ingest path
   * pruned at most 5,000 rows every ten minutes and swallowed its errors; now the log is kept
   * like everything else: batched, paused between batches, failures reported.
   */
  async deleteInboundRequests(before: number, limit: number): Promise<number> {
    const r = await this.db
      .deleteFrom("inbound_requests")
      .where("id", "in", () =>
        this.lock(
          this.db
            .selectFrom("inbound_requests")
            .select("id")
            .where("received_at", "<", before)
            .orderBy("received_at")
            .limit(limit),
        ),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  private lock<O>(
    q: SelectQueryBuilder<Database, keyof Database, O>,
  ): SelectQueryBuilder<Database, keyof Database, O> {
    return this.dialect === "postgres" ? q.forUpdate().skipLocked() : q;
  }
}
