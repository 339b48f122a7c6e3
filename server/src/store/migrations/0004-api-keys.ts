import { type Kysely, sql } from "kysely";

/* Scoped API keys and portal sessions (migration 0004). Same column conventions as 0001:
 * integer milliseconds, 0/1 booleans, JSON text. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // ADD COLUMN one at a time: SQLite accepts only one per statement.
  const columns: [string, "text" | "bigint" | "integer", string | number | null][] = [
    // "key" (an operator's API key) or "portal" (a consumer-portal session).
    ["kind", "text", "key"],
    // JSON array of scopes (services/scopes.ts). The default is replaced below for every row.
    ["scopes", "text", "[]"],
    ["read_only", "integer", 0],
    // JSON array of CIDRs the key may be used from; null = anywhere.
    ["allowed_cidrs", "text", null],
    // The `sessionId` a portal session was opened with, for expire-all by session.
    ["session_id", "text", null],
    // Rotation: the previous secret keeps working until previous_expires_at (the grace period).
    ["previous_hash", "text", null],
    ["previous_expires_at", "bigint", null],
    ["rotated_at", "bigint", null],
    // Usage, written in batches by TokenUsage (never once per request).
    ["last_used_at", "bigint", null],
    ["last_used_ip", "text", null],
    ["request_count", "bigint", 0],
  ];
  for (const [name, type, fallback] of columns) {
    await db.schema
      .alterTable("tokens")
      .addColumn(name, type, (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
      .execute();
  }
  await db.schema.createIndex("tokens_previous_hash").on("tokens").column("previous_hash").execute();
  await db.schema.createIndex("tokens_app").on("tokens").columns(["app_id", "kind"]).execute();

  // Existing tokens keep exactly the power they had: unscoped ones were admin tokens; tokens
  // limited to an application could read and write it, send messages and manage its sources.
  // Portal links were named "portal app_…" by app-portal-access; they become portal sessions
  // (still writable: readOnly was never recorded, so none can be assumed).
  await sql`update tokens set scopes = ${JSON.stringify(["admin"])} where app_id is null`.execute(db);
  await sql`update tokens set scopes = ${JSON.stringify(APP_SCOPES)} where app_id is not null`.execute(db);
  await sql`update tokens set kind = 'portal' where app_id is not null and substr(name, 1, 11) = 'portal app_'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("tokens_app").ifExists().execute();
  await db.schema.dropIndex("tokens_previous_hash").ifExists().execute();
  for (const name of [
    "request_count",
    "last_used_ip",
    "last_used_at",
    "rotated_at",
    "previous_expires_at",
    "previous_hash",
    "session_id",
    "allowed_cidrs",
    "read_only",
    "scopes",
    "kind",
  ]) {
    await db.schema.alterTable("tokens").dropColumn(name).execute();
  }
}

/** Kept here, not imported: a migration must not change when application code does. */
const APP_SCOPES = ["app:read", "app:write", "message:create", "inbound:manage"];
