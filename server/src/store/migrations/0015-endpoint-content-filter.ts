import type { Kysely } from "kysely";

/* Content filters (ADR 0017). `endpoints.content_filter`: the endpoint's filter on payload fields
 * as JSON text, or null for none; fan-out reads it with the endpoint's other filters (in the
 * same cached query) and compiles it once per cache load. TEXT on both engines, as the other
 * JSON columns of 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endpoints").addColumn("content_filter", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endpoints").dropColumn("content_filter").execute();
}
