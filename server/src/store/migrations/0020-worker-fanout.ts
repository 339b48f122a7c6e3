import { type Kysely, sql } from "kysely";

/* Fan-out in the worker (ADR 0022). A message is committed alone; the worker expands it into
 * delivery rows later, under a lease, and marks it expanded in the same transaction.
 * - `expanded_at`: when its deliveries were written; null = not yet. Every message already
 *   stored had its deliveries written with it, so they are marked expanded at their creation.
 * - `expand_owner` / `expand_until`: the lease of the worker expanding it (as a delivery's
 *   `lease_owner` / `due_at`): a worker that dies mid-batch lets it run out, and the batch is
 *   claimed again.
 * - `only_endpoint_id`: send-example's one endpoint; null = every matching endpoint.
 * The partial index holds only unexpanded messages, so the worker's scan reads a few pages
 * however many millions of messages are kept. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("messages").addColumn("expanded_at", "bigint").execute();
  await db.schema.alterTable("messages").addColumn("expand_owner", "text").execute();
  await db.schema.alterTable("messages").addColumn("expand_until", "bigint").execute();
  await db.schema.alterTable("messages").addColumn("only_endpoint_id", "text").execute();
  await sql`UPDATE messages SET expanded_at = created_at`.execute(db);
  await sql`CREATE INDEX messages_unexpanded ON messages (id) WHERE expanded_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS messages_unexpanded`.execute(db);
  for (const column of ["only_endpoint_id", "expand_until", "expand_owner", "expanded_at"]) {
    await db.schema.alterTable("messages").dropColumn(column).execute();
  }
}
