import { join } from "node:path";

import { type CompiledQuery, Kysely, Migrator, PostgresAdapter, PostgresDialect, type QueryResult, sql } from "kysely";
import pg from "pg";

import type { Keyring } from "../lib/keyring.js";
import { DATABASE_FILE, prepareDataDir } from "./data-dir.js";
import { FanoutCache } from "./fanout-cache.js";
import { migrationProvider } from "./migrations/index.js";
import type { Database } from "./schema.js";
import { inSchemaOnly } from "./schema-introspector.js";
import { SqliteThreadDialect } from "./sqlite-thread-dialect.js";

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Runs the statements in one transaction, all or nothing, and returns their results in
   * order. For writes whose statements are all known up front (the group-commit batches): on
   * SQLite they travel to the database thread as one message instead of a round trip each.
   */
  atomic(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]>;
  /** The fan-out cache of this handle: every repository writing endpoints drops it. */
  fanoutCache: FanoutCache;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  pgPoolSize?: number;
  /** PostgreSQL: how long a query waits for a connection (new or from the pool) before failing. */
  pgConnectTimeoutMs?: number;
  /** PostgreSQL: `statement_timeout` of every pooled connection; 0 = none. */
  pgStatementTimeoutMs?: number;
  /**
   * SQLite only. "full" (default): a returned commit survives power loss. "normal": it survives
   * a crash of the process (kill -9) but the last commits may be lost if the machine loses power.
   */
  sqliteSynchronous?: "full" | "normal";
  /** The data keyring: migration 0005 seals rows written in plaintext by earlier versions with it. */
  keyring?: Keyring | undefined;
  /** Told when the data directory's modes were looser than 0700/0600 and were tightened. */
  warn?: (message: string) => void;
}

/** Whether a database URL selects PostgreSQL (anything else is SQLite in the data directory). */
export function isPostgresUrl(databaseUrl: string | undefined): boolean {
  return databaseUrl?.startsWith("postgres") ?? false;
}

/**
 * Opens the store and brings its schema up to date. SQLite runs in WAL mode, its connection in
 * a worker thread (ADR 3), with synchronous=FULL unless told otherwise: a commit that has
 * returned survives a crash of the process and of the machine, which is what a 202 promises.
 *
 * @example const store = await openStore({ dataDir: "./data" });
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store = isPostgresUrl(options.databaseUrl) ? openPostgres(options) : openSqlite(options);
  try {
    await migrate(store.db, options.keyring);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Runs pending migrations. Kysely's migrator takes a lock, so instances starting together are safe.
 *
 * On PostgreSQL the migrations run on one connection with no statement timeout (building an
 * index on a large table, or waiting for another instance's migration lock, may take longer
 * than any API query should), and Kysely's bookkeeping tables are pinned to the current schema:
 * left unqualified, Kysely looks for them in every schema of the database, finds another
 * schema's, and then fails to read its own. Its introspection is limited to that schema too
 * (`schema-introspector.ts`): another schema dropped meanwhile must not fail the migration.
 */
export async function migrate(db: Kysely<Database>, keyring?: Keyring): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await db.connection().execute(async (conn) => {
      await sql`set statement_timeout = 0`.execute(conn);
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(conn);
      const schema = rows[0]?.schema;
      await runMigrations(schema ? inSchemaOnly(conn, schema) : conn, schema, keyring);
      await sql`reset statement_timeout`.execute(conn);
    });
    return;
  }
  await runMigrations(db, undefined, keyring);
}

async function runMigrations(
  db: Kysely<Database>,
  migrationTableSchema: string | undefined,
  keyring: Keyring | undefined,
): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(keyring), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}

function openSqlite(options: StoreOptions): Store {
  prepareDataDir(options.dataDir, options.warn ?? ((message) => process.emitWarning(message)));
  const path = join(options.dataDir, DATABASE_FILE);
  const dialect = new SqliteThreadDialect({ path, synchronous: options.sqliteSynchronous ?? "full" });
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    dialect: "sqlite",
    atomic: (queries) => dialect.runAtomic(queries),
    fanoutCache: new FanoutCache(db),
    close: () => db.destroy(),
  };
}

/**
 * A pool that fails fast while PostgreSQL is away instead of queueing requests behind it: a
 * query waits at most `pgConnectTimeoutMs` for a connection (a refused connection fails at
 * once), and a statement runs at most `pgStatementTimeoutMs`. Both errors are what the API
 * maps to 503 and the worker backs off on; the pool replaces broken connections by itself, so
 * service resumes when the server does.
 */
function openPostgres(options: StoreOptions): Store {
  const statementTimeout = options.pgStatementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.pgPoolSize ?? 10,
    connectionTimeoutMillis: options.pgConnectTimeoutMs ?? 2_000,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    // A connection whose server vanished without closing it (a network partition) is found by
    // TCP keepalive instead of lingering in the pool.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // int8 columns hold millisecond times and counts, all far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on("error", () => undefined);
  // Nor may a checked-out one: between two statements of a transaction a client has no query
  // to fail, so pg emits the loss (or the server's "terminating connection") as an 'error'
  // event, which would be uncaught. The next query on it fails instead, and the pool drops it
  // on release because it is no longer queryable.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const atomic = (queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> =>
    queries.length === 0 ? Promise.resolve([]) : db.transaction().execute(async (trx) => {
      const results: QueryResult<unknown>[] = [];
      for (const q of queries) results.push(await trx.executeQuery(q));
      return results;
    });
  // No fan-out cache: other instances write endpoints, and a message must see an endpoint whose
  // creation was answered before the message was sent, whichever instance took each request.
  return { db, dialect: "postgres", atomic, fanoutCache: new FanoutCache(db, 0), close: () => db.destroy() };
}
