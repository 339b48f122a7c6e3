import { mkdirSync } from "node:fs";
import { join } from "node:path";

import SqliteDatabase from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";

import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  pgPoolSize?: number;
  /** SQLite only: a file name inside dataDir, or ":memory:". */
  sqliteFile?: string;
}

/**
 * Opens the store and brings its schema up to date. SQLite runs in WAL mode with
 * synchronous=FULL: a commit that has returned survives a crash of the process and of the
 * machine, which is what a 202 promises.
 *
 * @example const store = await openStore({ dataDir: "./data" });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl?.startsWith("postgres") ? openPostgres(options) : openSqlite(options);
  await migrate(store.db);
  return store;
}

/** Runs pending migrations. Kysely's migrator takes a lock, so instances starting together are safe. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}

function openSqlite(options: StoreOptions): Store {
  const file = options.sqliteFile ?? "hookrelay.db";
  let path = file;
  if (file !== ":memory:") {
    mkdirSync(options.dataDir, { recursive: true });
    path = join(options.dataDir, file);
  }
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

function openPostgres(options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.pgPoolSize ?? 10,
    // int8 columns hold millisecond times and counts, all far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", close: () => db.destroy() };
}
