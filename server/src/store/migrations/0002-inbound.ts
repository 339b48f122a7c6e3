import type { Kysely } from "kysely";

/* Inbound webhooks: sources (a provider bound to an application), the log of every request a
 * source received, and the shared rate-limit counters. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sources")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("applications.id").onDelete("cascade"))
    .addColumn("uid", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    // The provider's name for delivery platforms, which are reached at /webhooks/{provider}/{app}
    // and so may have one source per application; null for every other provider. NULLs never
    // collide in a unique constraint on either engine, so other providers may repeat.
    .addColumn("platform", "text")
    // JSON of the provider config plus ipAllowlist and rateLimits, sealed with SecretBox.
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("sources_app_uid", ["app_id", "uid"])
    .addUniqueConstraint("sources_app_platform", ["app_id", "platform"])
    .execute();
  await db.schema.createIndex("sources_app").on("sources").columns(["app_id", "id"]).execute();

  await db.schema
    .createTable("inbound_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("source_id", "text", (c) => c.notNull().references("sources.id").onDelete("cascade"))
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("provider_event_type", "text")
    .addColumn("event_id", "text")
    // The provider event id while this accepted request guards against redeliveries; cleared
    // once the de-duplication window has passed and a later copy was accepted. The unique
    // constraint makes two concurrent copies impossible to accept twice.
    .addColumn("dedupe_key", "text")
    .addColumn("msg_id", "text")
    .addColumn("source_ip", "text")
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("body_encoding", "text", (c) => c.notNull())
    .addColumn("body_truncated", "integer", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("processing_ms", "double precision", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .addColumn("retried_at", "bigint")
    .addUniqueConstraint("inbound_requests_dedupe", ["source_id", "dedupe_key"])
    .execute();
  await db.schema
    .createIndex("inbound_requests_source")
    .on("inbound_requests")
    .columns(["source_id", "id"])
    .execute();
  await db.schema
    .createIndex("inbound_requests_app_received")
    .on("inbound_requests")
    .columns(["app_id", "received_at"])
    .execute();
  await db.schema
    .createIndex("inbound_requests_received")
    .on("inbound_requests")
    .column("received_at")
    .execute();

  // rate-limiter-flexible's RateLimiterPostgres table, column for column (its upsert inserts
  // positionally). Created here rather than by the library so concurrent starts cannot race
  // and the limiter can be told `tableCreated`. SQLite keeps its counters in memory and leaves
  // this table empty.
  await db.schema
    .createTable("inbound_rate_limits")
    .addColumn("key", "varchar(255)", (c) => c.primaryKey())
    .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expire", "bigint")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["inbound_rate_limits", "inbound_requests", "sources"]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
