import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

/* Background tasks run by the worker (recover, bulk replay, replay missing, purge contents)
 * instead of inside the HTTP request. The 0001 table had no room for what a resumable task
 * needs, and its endpoint_id was NOT NULL (a purge has no endpoint; SQLite cannot relax a
 * column), so it is rebuilt: the parameters, the cursor each batch checkpoints in the same
 * transaction as its effect, counts for progress, and a lease (owner + expiry) so a crashed
 * worker's task is claimed again. Rows from before are kept (a `running` one, interrupted
 * inside its request, becomes `failed`). Same column conventions as 0001. */
const INTERRUPTED = "Interrupted before the upgrade to background tasks; start the recover again";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Ids are compared as strings for pagination: byte order, as in 0001.
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    (isPostgres ? c.modifyFront(sql`collate "C"`) : c).primaryKey();
  // Built beside the old table and renamed: renaming the old one away first would leave its
  // primary-key index holding the name PostgreSQL gives the new one.
  await db.schema
    .createTable("tasks_0010")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text")
    .addColumn("task", "text", (c) => c.notNull())
    // running | finished | failed
    .addColumn("status", "text", (c) => c.notNull())
    // JSON of the request (since, until, filters): what each batch selects.
    .addColumn("params", "text", (c) => c.notNull().defaultTo("{}"))
    // The last id a committed batch handled; null before the first batch.
    .addColumn("cursor", "text")
    // Rows looked at and rows changed (messages sent or purged) by committed batches.
    .addColumn("scanned", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("affected", "bigint", (c) => c.notNull().defaultTo(0))
    // Candidates counted when the first batch ran: the denominator of the progress bar.
    .addColumn("total", "bigint")
    .addColumn("error", "text")
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  // A 0001 task still `running` was cut short by a crash inside its request; its range was not
  // stored, so it cannot be resumed: it ends `failed`, saying so (recover can be started again).
  await sql`insert into tasks_0010 (id, app_id, endpoint_id, task, status, error, created_at, updated_at)
    select id, app_id, endpoint_id, task,
      case when status = 'running' then 'failed' else status end,
      case when status = 'running' then ${INTERRUPTED} else null end,
      created_at, updated_at from tasks`.execute(db);
  await db.schema.dropTable("tasks").execute();
  await db.schema.alterTable("tasks_0010").renameTo("tasks").execute();
  // The runner's claim: running tasks whose lease is free or expired.
  await db.schema.createIndex("tasks_claim").on("tasks").columns(["status", "lease_until"]).execute();
  await db.schema.createIndex("tasks_app").on("tasks").columns(["app_id", "id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropIndex("tasks_claim").ifExists().execute();
  await db.schema.dropIndex("tasks_app").ifExists().execute();
  await db.schema
    .createTable("tasks_0001")
    .addColumn("id", "text", (c) => (isPostgres ? c.modifyFront(sql`collate "C"`) : c).primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("task", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  // A purge has no endpoint and 0001's table cannot hold it: those rows are dropped.
  await sql`insert into tasks_0001 (id, app_id, endpoint_id, task, status, created_at, updated_at)
    select id, app_id, endpoint_id, task, status, created_at, updated_at from tasks
    where endpoint_id is not null`.execute(db);
  await db.schema.dropTable("tasks").execute();
  await db.schema.alterTable("tasks_0001").renameTo("tasks").execute();
}
