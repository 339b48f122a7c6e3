import { CompiledQuery } from "kysely";

import { latencyBucket } from "../../lib/latency-histogram.js";
import type { Dialect } from "../database.js";
import { DeliveryStatus, LATENCY_COLUMNS, type StatsHourlyRow } from "../schema.js";
import { SqlParams } from "../sql-params.js";
import type { DeliveryResult } from "./delivery-result.js";

const HOUR_MS = 3_600_000;

const COUNTER_COLUMNS = [
  "endpoint_id",
  "hour",
  "app_id",
  "success",
  "fail",
  ...LATENCY_COLUMNS,
  "latency_max_ms",
] as const satisfies readonly (keyof StatsHourlyRow)[];

/**
 * The batch's attempts folded into one counter row per (endpoint, hour), sorted by that key.
 *
 * @example hourlyCounters(results) // [{ endpoint_id: "ep_1", hour: 1732874400000, success: 3, fail: 1, … }]
 */
export function hourlyCounters(results: DeliveryResult[]): StatsHourlyRow[] {
  const rows = new Map<string, StatsHourlyRow>();
  for (const r of results) {
    if (!r.attempt) continue;
    const hour = Math.floor(r.at / HOUR_MS) * HOUR_MS;
    const key = `${r.endpointId} ${hour}`;
    let row = rows.get(key);
    if (!row) {
      row = { endpoint_id: r.endpointId, hour, app_id: r.attempt.app_id, success: 0, fail: 0, latency_max_ms: 0 } as StatsHourlyRow;
      for (const c of LATENCY_COLUMNS) row[c] = 0;
      rows.set(key, row);
    }
    if (r.attempt.status === DeliveryStatus.success) row.success++;
    else row.fail++;
    const ms = Math.max(0, Math.round(r.attempt.response_duration_ms));
    row[LATENCY_COLUMNS[latencyBucket(ms)]!]++;
    if (ms > row.latency_max_ms) row.latency_max_ms = ms;
  }
  return [...rows.values()].sort((a, b) =>
    a.endpoint_id < b.endpoint_id ? -1 : a.endpoint_id > b.endpoint_id ? 1 : a.hour - b.hour,
  );
}

/**
 * Adds the batch's attempts to the hourly counters: one multi-row upsert, one row per
 * (endpoint, hour), whatever the batch size. `ON CONFLICT … DO UPDATE` with `excluded` reads
 * the same on SQLite (3.24+) and PostgreSQL; rows are unique per statement, as PostgreSQL
 * requires, and sorted so concurrent workers take their row locks in the same order.
 *
 * @example queries.push(incrementCountersQuery("sqlite", hourlyCounters(results)));
 */
export function incrementCountersQuery(dialect: Dialect, rows: StatsHourlyRow[]): CompiledQuery {
  const p = new SqlParams(dialect);
  const types = COUNTER_COLUMNS.map((c) => (c === "endpoint_id" || c === "app_id" ? "text" : c === "hour" ? "bigint" : "integer"));
  const tuples = rows.map((row, i) => {
    const cast = i === 0 && dialect === "postgres";
    return `(${COUNTER_COLUMNS.map((c, k) => (cast ? `CAST(${p.add(row[c])} AS ${types[k]})` : p.add(row[c]))).join(", ")})`;
  });
  const sums = COUNTER_COLUMNS.filter((c) => c !== "endpoint_id" && c !== "hour" && c !== "app_id" && c !== "latency_max_ms")
    .map((c) => `${c} = stats_hourly.${c} + excluded.${c}`)
    .join(", ");
  const text = `
    INSERT INTO stats_hourly (${COUNTER_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")}
    ON CONFLICT (endpoint_id, hour) DO UPDATE SET ${sums},
      latency_max_ms = CASE WHEN excluded.latency_max_ms > stats_hourly.latency_max_ms
        THEN excluded.latency_max_ms ELSE stats_hourly.latency_max_ms END`;
  return CompiledQuery.raw(text, p.values);
}
