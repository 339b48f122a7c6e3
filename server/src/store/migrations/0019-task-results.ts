import type { Kysely } from "kysely";

/* Background tasks that compute something (Svix's `application.stats` and
 * `event-type.aggregate`) keep what they found with the task: `tasks.result`, JSON of the
 * entries committed batches appended, shown in the task's `data`. Null for tasks that only act
 * (recover, replays, purge). Those two tasks cover every application, so their `app_id` is the
 * empty string (the column is NOT NULL and SQLite cannot relax it without a rebuild). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tasks").addColumn("result", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tasks").dropColumn("result").execute();
}
