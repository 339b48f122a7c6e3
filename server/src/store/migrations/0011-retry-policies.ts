import type { Kysely } from "kysely";

/* Retry policies and shared throttles.
 * 1. A retry schedule per event type, per endpoint and per application: a JSON array of whole
 *    seconds, or null for "use the next level" (endpoint > event type > application > the
 *    server's HOOKRELAY_RETRY_SCHEDULE). An empty array means "no retries".
 * 2. throttle_slots: one row per throttled endpoint (`ep:<id>`) or application (`app:<id>`),
 *    holding the next free send slot (`tat`, ms since the epoch, fractional). Workers on
 *    PostgreSQL reserve slots here in one atomic upsert per key and claim batch, so every
 *    instance shares the one limit (SQLite keeps the same state in memory: one process). */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["event_types", "endpoints", "applications"]) {
    await db.schema.alterTable(table).addColumn("retry_schedule", "text").execute();
  }
  await db.schema
    .createTable("throttle_slots")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("tat", "double precision", (c) => c.notNull())
    .addColumn("start_at", "double precision", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("throttle_slots").ifExists().execute();
  for (const table of ["event_types", "endpoints", "applications"]) {
    await db.schema.alterTable(table).dropColumn("retry_schedule").execute();
  }
}
