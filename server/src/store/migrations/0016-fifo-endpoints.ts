import { type Kysely, sql } from "kysely";

/* FIFO endpoints (docs/adr/0018). Same column conventions as 0001.
 * 1. `endpoints.fifo`: 1 for an endpoint whose deliveries go one at a time in message-id order.
 *    A partial index lists the FIFO endpoints, so the claim finds them without a table scan.
 * 2. The claim lets a FIFO endpoint's delivery go only when no unfinished delivery of that
 *    endpoint has a smaller message id. Unfinished rows are the ones with a `due_at`; this
 *    partial index answers that question with one probe, however long the endpoint's history
 *    (finished rows, whose `due_at` is null, are not in it), and stays as small as the queue. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("endpoints")
    .addColumn("fifo", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("endpoints_fifo").on("endpoints").column("id").where(sql.ref("fifo"), "=", 1).execute();
  await db.schema
    .createIndex("deliveries_unfinished")
    .on("deliveries")
    .columns(["endpoint_id", "msg_id"])
    .where(sql.ref("due_at"), "is not", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("deliveries_unfinished").ifExists().execute();
  await db.schema.dropIndex("endpoints_fifo").ifExists().execute();
  await db.schema.alterTable("endpoints").dropColumn("fifo").execute();
}
