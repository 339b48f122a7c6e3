import type { Kysely } from "kysely";

/* Inbound integrity. 1. How long an accepted request's de-duplication key holds, per request:
 * a day for schemes that sign a timestamp (a replay is refused by the timestamp check after
 * minutes anyway; the key only has to catch the sender's own re-sends), the whole retention for
 * schemes that do not (there the key is the only thing that stops a captured call from being
 * replayed). Null on rows from before: they keep the fixed one-day window.
 * 2. Re-processing a logged inbound request: one row per re-process, linking the request to the
 * message it made, so the request's own first link (inbound_requests.msg_id) is never
 * overwritten and every extra message stays traceable to who made it and whether a rejected
 * call was forced through. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("inbound_requests").addColumn("dedupe_until", "bigint").execute();
  await db.schema
    .createTable("inbound_reprocesses")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Links go with their request when retention prunes the log.
    .addColumn("request_id", "text", (c) => c.notNull().references("inbound_requests.id").onDelete("cascade"))
    // No foreign key: messages expire on their own schedule, as for inbound_requests.msg_id.
    .addColumn("msg_id", "text", (c) => c.notNull())
    // 1 when the request had been rejected and an operator overrode the rejection.
    .addColumn("forced", "integer", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull())
    .addColumn("actor_name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("inbound_reprocesses_request")
    .on("inbound_reprocesses")
    .columns(["request_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("inbound_reprocesses").ifExists().execute();
  await db.schema.alterTable("inbound_requests").dropColumn("dedupe_until").execute();
}
