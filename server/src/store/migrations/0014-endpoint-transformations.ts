import type { Kysely } from "kysely";

/* Endpoint transformations (Svix's `…/endpoint/{id}/transformation`, ADR 16): the user's
 * `function handler(webhook)` source and whether it runs. A table of its own rather than columns
 * on `endpoints`: the claim reads endpoints on the hot path, and code of up to 51,200 characters
 * has no business in that row; the worker reads this table (cached) only for the endpoints of a
 * claim batch. The row goes with its endpoint. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("endpoint_transformations")
    .addColumn("endpoint_id", "text", (c) => c.primaryKey().references("endpoints.id").onDelete("cascade"))
    // Null: no code set (Svix's `code: null`); `enabled` may still be kept for when it is.
    .addColumn("code", "text")
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("endpoint_transformations").ifExists().execute();
}
