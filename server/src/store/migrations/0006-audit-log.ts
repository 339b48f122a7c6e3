import { type Kysely, sql } from "kysely";

/* The audit log (ADR 6): one row per administrative change, chained by SHA-256. Same column
 * conventions as 0001: times are bigint milliseconds, structured values JSON text. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    // The position in the chain, handed out by audit_chain under its lock: gap-free and in
    // commit order, unlike a time-sortable id taken before the transaction.
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor_type", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("actor_app_id", "text")
    .addColumn("ip", "text")
    .addColumn("request_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("app_id", "text")
    .addColumn("resource_id", "text")
    .addColumn("changes", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_app").on("audit_log").columns(["app_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_resource").on("audit_log").columns(["resource_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();

  // The head of the chain: one row, locked by every append until its transaction commits.
  await db.schema
    .createTable("audit_chain")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await sql`insert into audit_chain (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);

  // Where retention cut the chain: the last deleted row's seq and hash, which the first kept
  // row names as its predecessor.
  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_checkpoints").ifExists().execute();
  await db.schema.dropTable("audit_chain").ifExists().execute();
  await db.schema.dropTable("audit_log").ifExists().execute();
}

/** Kept here, not imported: a migration must not change when application code does. */
const GENESIS_HASH = "0".repeat(64);
