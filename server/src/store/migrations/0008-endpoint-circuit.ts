import { type Kysely, sql } from "kysely";

/* Endpoint isolation and circuit breaker (docs/adr/0009). Same column conventions as 0001.
 * 1. `max_in_flight`: this endpoint's cap on deliveries leased at once (null: the
 *    HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT default). `disable_after_failures`: disable the endpoint
 *    after this many consecutive failed attempts (null: never on a count).
 * 2. The breaker's state, shared by every worker instance: 0 closed, 1 open, 2 half-open (one
 *    probe leased); the run of consecutive failures; how many times in a row it opened (the
 *    cool-down doubles each time); when the next probe may go; and the failure-rate window.
 * 3. The claim counts each endpoint's leased rows (status 3): a partial index keeps that count
 *    to the few rows in flight, however many retries are scheduled. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: [string, "integer" | "bigint", boolean][] = [
    ["max_in_flight", "integer", false],
    ["disable_after_failures", "integer", false],
    ["circuit_state", "integer", true],
    ["consecutive_failures", "integer", true],
    ["circuit_opens", "integer", true],
    ["circuit_next_probe_at", "bigint", false],
    ["window_started_at", "bigint", false],
    ["window_attempts", "integer", true],
    ["window_failures", "integer", true],
  ];
  for (const [name, type, counter] of columns) {
    await db.schema
      .alterTable("endpoints")
      .addColumn(name, type, (c) => (counter ? c.notNull().defaultTo(0) : c))
      .execute();
  }
  await db.schema
    .createIndex("deliveries_sending")
    .on("deliveries")
    .columns(["endpoint_id", "due_at"])
    .where(sql.ref("status"), "=", 3)
    .execute();
  // Every claim looks for circuits waiting out their cool-down.
  await db.schema
    .createIndex("endpoints_circuit")
    .on("endpoints")
    .columns(["circuit_state", "circuit_next_probe_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("endpoints_circuit").ifExists().execute();
  await db.schema.dropIndex("deliveries_sending").ifExists().execute();
  for (const name of [
    "window_failures",
    "window_attempts",
    "window_started_at",
    "circuit_next_probe_at",
    "circuit_opens",
    "consecutive_failures",
    "circuit_state",
    "disable_after_failures",
    "max_in_flight",
  ]) {
    await db.schema.alterTable("endpoints").dropColumn(name).execute();
  }
}
