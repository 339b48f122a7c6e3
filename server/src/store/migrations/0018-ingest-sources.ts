import { type Kysely, sql } from "kysely";

/* Svix's ingest sources (ADR 20). 1. `applications.internal`: null for an application users
 * manage; `operational` for the operational-webhook application (ADR 10), `ingest` for the
 * application each ingest source delivers through. Internal applications are left out of
 * application listings and statistics and are resolved only by their own routes (or a token
 * limited to them, such as the source's portal session). 2. `ingest_sources`: what an ingest
 * source has beyond its Hookrelay source row (same id): its environment-wide uid, Svix type,
 * metadata, and the token in its ingest URL, sealed (to show the URL again) and hashed (to find
 * the source from a request without opening every row). Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("applications").addColumn("internal", "text").execute();
  await sql`update applications set internal = 'operational' where id = 'app_hookrelayOperationalWebhook'`.execute(db);
  await db.schema
    .createTable("ingest_sources")
    .addColumn("source_id", "text", (c) => c.primaryKey().references("sources.id").onDelete("cascade"))
    // The internal application holding the source and the ingest endpoints.
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("uid", "text", (c) => c.unique())
    // Svix's name of the type (`stripe`, `svix`, `generic-webhook` …); the provider is on the source.
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("ingest_sources").ifExists().execute();
  await db.schema.alterTable("applications").dropColumn("internal").execute();
}
