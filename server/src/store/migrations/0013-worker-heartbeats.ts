import type { Kysely } from "kysely";

/* Worker presence. Each running delivery worker upserts one row every few seconds with when it
 * last finished a claim round, so any instance's health report can tell whether some worker,
 * anywhere, is draining the queue (an API-only instance has no worker of its own to ask). A
 * worker that stops cleanly deletes its row; one that crashed leaves a row that goes stale and is
 * pruned after an hour. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("worker_heartbeats")
    // The worker's lease owner name (host:pid:random): the same name its leased rows carry.
    .addColumn("owner", "text", (c) => c.primaryKey())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    // Null until the worker's first claim round answered.
    .addColumn("last_claim_at", "bigint")
    .addColumn("reported_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("worker_heartbeats").ifExists().execute();
}
