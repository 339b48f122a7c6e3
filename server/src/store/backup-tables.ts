import { type Kysely, sql } from "kysely";

import type { Database } from "./schema.js";

/**
 * A configuration table in the backup (`hookrelay export`, ADR 21). Its rows are copied column
 * by column (`select *`), so a column a later migration adds to it travels with no change here;
 * `runtime` names the columns that are the running instance's state, not configuration, and
 * stay behind (they take their defaults on import).
 */
export interface BackupTable {
  table: keyof Database & string;
  /** The primary key: export order, and the conflict target of an import with `--force`. */
  key: string;
  runtime: readonly string[];
}

/**
 * The tables of the backup, parents before children (the import inserts in this order).
 * Operational-webhook endpoints are endpoints of the internal application, so they come with
 * `applications` and `endpoints`. Messages, deliveries, attempts, the inbound log, statistics,
 * tasks and poller positions are data or state; API keys and the audit log belong to the
 * instance (ADR 21). A new configuration table adds a line here.
 */
export const BACKUP_TABLES: readonly BackupTable[] = [
  { table: "applications", key: "id", runtime: [] },
  { table: "event_types", key: "name", runtime: [] },
  {
    table: "endpoints",
    key: "id",
    // The failure run and the circuit breaker's counters: how the receiver has been doing lately.
    runtime: [
      "first_failure_at",
      "circuit_state",
      "consecutive_failures",
      "circuit_opens",
      "circuit_next_probe_at",
      "window_started_at",
      "window_attempts",
      "window_failures",
    ],
  },
  { table: "endpoint_transformations", key: "endpoint_id", runtime: [] },
  { table: "sources", key: "id", runtime: [] },
  { table: "ingest_sources", key: "source_id", runtime: [] },
];

export type BackupRow = Record<string, unknown>;

/**
 * Every row of a backup table, in key order, without its runtime columns.
 *
 * @example const rows = await readBackupRows(store.db, BACKUP_TABLES[0]!);
 */
export async function readBackupRows(db: Kysely<Database>, spec: BackupTable): Promise<BackupRow[]> {
  const rows = (await db.selectFrom(spec.table).selectAll().orderBy(sql.ref(spec.key)).execute()) as BackupRow[];
  const runtime = new Set(spec.runtime);
  return rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !runtime.has(column))));
}

/**
 * The columns a table has in this database (`PRAGMA table_info` on SQLite, the current
 * schema's `information_schema` on PostgreSQL), so an import can refuse a column it cannot store
 * by name instead of failing on the first insert.
 *
 * @example await tableColumns(store.db, "postgres", "endpoints") // Set { "id", "app_id", … }
 */
export async function tableColumns(db: Kysely<Database>, dialect: "sqlite" | "postgres", table: string): Promise<Set<string>> {
  const rows =
    dialect === "sqlite"
      ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}

/**
 * Rows in one backup table; counted to decide whether an instance is empty.
 *
 * @example await countRows(trx, "endpoints") // 0
 */
export async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table as keyof Database)
    .select((eb) => eb.fn.countAll<string | number | bigint>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Writes restored rows, as they are (ids, uids, times). `replace`: a row whose key exists is
 * overwritten (an import told to go ahead on a non-empty instance); otherwise a duplicate fails
 * the import's transaction.
 *
 * @example await writeBackupRows(trx, spec, rows, false);
 */
export async function writeBackupRows(db: Kysely<Database>, spec: BackupTable, rows: BackupRow[], replace: boolean): Promise<void> {
  // Each row alone: rows of one table may carry different column sets (older backups), and the
  // number of bound parameters stays far below both engines' limits.
  for (const row of rows) {
    const insert = db.insertInto(spec.table).values(row as never);
    const update = Object.fromEntries(Object.keys(row).filter((c) => c !== spec.key).map((c) => [c, row[c]]));
    await (replace && Object.keys(update).length > 0
      ? insert.onConflict((oc) => oc.column(spec.key as never).doUpdateSet(update as never))
      : insert
    ).execute();
  }
}
