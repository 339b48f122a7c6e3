import { type Kysely, sql } from "kysely";

/* Hourly delivery counters, so the dashboard's day and week figures survive retention (which
 * deletes attempts older than `retentionDays`), plus the index retention needs to find payloads
 * to expire without walking the ones it already expired. Same column conventions as 0001. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per endpoint and hour, incremented by the worker in the transaction that records
  // the attempts (DeliveriesRepository.recordResults). `lat_*` count attempts by response
  // time: lat_10 is under 10 ms, lat_50 10–50 ms, …, lat_inf 5 s and more; `latency_max_ms`
  // bounds the last bucket when percentiles are interpolated.
  let table = db.schema
    .createTable("stats_hourly")
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("hour", "bigint", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("success", "integer", (c) => c.notNull())
    .addColumn("fail", "integer", (c) => c.notNull());
  for (const column of LATENCY_COLUMNS) table = table.addColumn(column, "integer", (c) => c.notNull());
  await table
    .addColumn("latency_max_ms", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("stats_hourly_pk", ["endpoint_id", "hour"])
    .execute();
  await db.schema.createIndex("stats_hourly_app").on("stats_hourly").columns(["app_id", "hour"]).execute();
  await db.schema.createIndex("stats_hourly_hour").on("stats_hourly").column("hour").execute();

  // Existing attempts seed the counters, so the charts show no gap across the upgrade.
  const lat = LATENCY_COLUMNS.map((_, i) => {
    const lower = i === 0 ? undefined : LATENCY_BOUNDS_MS[i - 1];
    const upper = LATENCY_BOUNDS_MS[i];
    const conditions = [
      lower === undefined ? undefined : sql`response_duration_ms >= ${sql.lit(lower)}`,
      upper === undefined ? undefined : sql`response_duration_ms < ${sql.lit(upper)}`,
    ].filter((c) => c !== undefined);
    return sql`sum(case when ${sql.join(conditions, sql` and `)} then 1 else 0 end)`;
  });
  await sql`
    insert into stats_hourly (endpoint_id, hour, app_id, success, fail, ${sql.join(LATENCY_COLUMNS.map((c) => sql.ref(c)))}, latency_max_ms)
    select endpoint_id, (created_at / 3600000) * 3600000, min(app_id),
      sum(case when status = 0 then 1 else 0 end), sum(case when status = 0 then 0 else 1 end),
      ${sql.join(lat)}, max(response_duration_ms)
    from attempts
    group by endpoint_id, created_at / 3600000
  `.execute(db);

  // Retention nulls payloads past expires_at; only rows still holding one are worth finding.
  await db.schema
    .createIndex("messages_payload_expires")
    .on("messages")
    .column("expires_at")
    .where(sql.ref("payload"), "is not", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("messages_payload_expires").ifExists().execute();
  await db.schema.dropTable("stats_hourly").ifExists().execute();
}

/** Kept here, not imported: a migration must not change when application code does. */
const LATENCY_COLUMNS = [
  "lat_10",
  "lat_50",
  "lat_100",
  "lat_250",
  "lat_500",
  "lat_1000",
  "lat_5000",
  "lat_inf",
];
const LATENCY_BOUNDS_MS = [10, 50, 100, 250, 500, 1000, 5000];
