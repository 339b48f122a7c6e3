import type { Kysely } from "kysely";

/* Polling endpoints (Svix's "poller" sinks). 1. `endpoints.polling`: 1 for an endpoint whose
 * messages are pulled by the receiver instead of delivered; fan-out gives it no delivery rows,
 * so it costs the ingest path nothing but the flag in the (cached) fan-out query.
 * 2. `poller_consumers`: the position of each consumer of a polling endpoint, the exclusive
 * message-id cursor it last acknowledged, so positions survive restarts and every instance on a
 * shared PostgreSQL reads the same one. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("endpoints")
    .addColumn("polling", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("poller_consumers")
    // Positions go with their endpoint.
    .addColumn("endpoint_id", "text", (c) => c.notNull().references("endpoints.id").onDelete("cascade"))
    .addColumn("consumer_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    /** Exclusive cursor: the consumer has acknowledged every message with a smaller id. */
    .addColumn("position", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("poller_consumers_pk", ["endpoint_id", "consumer_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("poller_consumers").ifExists().execute();
  await db.schema.alterTable("endpoints").dropColumn("polling").execute();
}
