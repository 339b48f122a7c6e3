import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from "kysely";

/* Column types are chosen to mean the same on SQLite and PostgreSQL: bigint for millisecond
 * times, integer for flags, text for JSON. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Pagination compares time-sortable ids as strings, which needs byte order. SQLite's default
  // BINARY collation is that; on PostgreSQL a locale collation (en_US…) would reorder them.
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    (isPostgres ? c.modifyFront(sql`collate "C"`) : c).primaryKey();
  await db.schema
    .createTable("applications")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("uid", "text", (c) => c.unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("throttle_rate", "integer")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("event_types")
    .addColumn("name", "text", (c) => key(c))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("archived", "integer", (c) => c.notNull())
    .addColumn("deprecated", "integer", (c) => c.notNull())
    .addColumn("feature_flag", "text")
    .addColumn("schemas", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("endpoints")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("app_id", "text", (c) => c.notNull().references("applications.id").onDelete("cascade"))
    .addColumn("uid", "text")
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("disabled", "integer", (c) => c.notNull())
    .addColumn("event_types", "text")
    .addColumn("channels", "text")
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("throttle_rate", "integer")
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("old_secrets", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("first_failure_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("endpoints_app_uid", ["app_id", "uid"])
    .execute();
  await db.schema.createIndex("endpoints_app").on("endpoints").columns(["app_id", "id"]).execute();

  await db.schema
    .createTable("messages")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("event_id", "text")
    .addColumn("payload", "text")
    .addColumn("channels", "text")
    .addColumn("tags", "text")
    .addColumn("deliver_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("messages_app_event_id", ["app_id", "event_id"])
    .execute();
  await db.schema.createIndex("messages_app").on("messages").columns(["app_id", "id"]).execute();
  await db.schema.createIndex("messages_expires").on("messages").column("expires_at").execute();

  await db.schema
    .createTable("deliveries")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("msg_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("attempt_count", "integer", (c) => c.notNull())
    .addColumn("due_at", "bigint")
    .addColumn("lease_owner", "text")
    .addColumn("last_attempt_at", "bigint")
    .addColumn("last_status_code", "integer")
    .addColumn("next_trigger", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("deliveries_msg_endpoint", ["msg_id", "endpoint_id"])
    .execute();
  // The queue index: only unfinished rows carry a due_at, so the claim scans a small index.
  await db.schema
    .createIndex("deliveries_due")
    .on("deliveries")
    .column("due_at")
    .where(sql.ref("due_at"), "is not", null)
    .execute();
  await db.schema.createIndex("deliveries_app_status").on("deliveries").columns(["app_id", "status", "id"]).execute();
  await db.schema
    .createIndex("deliveries_endpoint")
    .on("deliveries")
    .columns(["endpoint_id", "msg_id"])
    .execute();

  await db.schema
    .createTable("attempts")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("msg_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("response_status_code", "integer", (c) => c.notNull())
    .addColumn("response", "text", (c) => c.notNull())
    .addColumn("response_duration_ms", "integer", (c) => c.notNull())
    .addColumn("trigger_type", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attempts_msg").on("attempts").columns(["msg_id", "id"]).execute();
  await db.schema.createIndex("attempts_endpoint").on("attempts").columns(["endpoint_id", "id"]).execute();
  await db.schema.createIndex("attempts_app_created").on("attempts").columns(["app_id", "created_at"]).execute();
  await db.schema.createIndex("attempts_created").on("attempts").column("created_at").execute();
  await db.schema.createIndex("messages_created").on("messages").column("created_at").execute();

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("app_id", "text")
    .addColumn("expires_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("key", "text", (c) => key(c))
    .addColumn("status_code", "integer", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("idempotency_expires").on("idempotency_keys").column("expires_at").execute();

  await db.schema
    .createTable("tasks")
    .addColumn("id", "text", (c) => key(c))
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("task", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    "tasks",
    "idempotency_keys",
    "tokens",
    "attempts",
    "deliveries",
    "messages",
    "endpoints",
    "event_types",
    "applications",
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
