import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

export interface SqliteThreadOptions {
  /** Path of the database file. */
  path: string;
  synchronous: "full" | "normal";
}

/*
 * The thread's code, run with `eval` so it needs no build step or loader under tsx, vitest or
 * the compiled server alike. It owns the one SQLite connection: prepares (and caches)
 * statements, runs them, and answers each request by id.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = " + (workerData.synchronous === "normal" ? "NORMAL" : "FULL"));
db.pragma("foreign_keys = ON");
db.pragma("busy_timeout = 5000");
const cache = new Map();
function prepare(sql) {
  let s = cache.get(sql);
  if (s) { cache.delete(sql); }
  else { s = db.prepare(sql); if (cache.size >= 500) cache.delete(cache.keys().next().value); }
  cache.set(sql, s);
  return s;
}
function run(sql, params) {
  const s = prepare(sql);
  if (s.reader) return { rows: s.all(params) };
  const r = s.run(params);
  return { changes: r.changes, insertId: Number(r.lastInsertRowid) };
}
function runScript(script) {
  db.exec("begin immediate");
  try {
    const results = script.map((q) => run(q.sql, q.params));
    db.exec("commit");
    return results;
  } catch (e) {
    if (db.inTransaction) db.exec("rollback");
    throw e;
  }
}
parentPort.on("message", (m) => {
  if (m.close) { db.close(); parentPort.postMessage({ closed: true }); return; }
  try {
    if (m.script) parentPort.postMessage({ id: m.id, results: runScript(m.script) });
    else parentPort.postMessage({ id: m.id, ...run(m.sql, m.params) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

interface Result {
  rows?: unknown[];
  changes?: number;
  insertId?: number;
}

interface Reply extends Result {
  id: number;
  results?: Result[];
  error?: { message: string; code?: string };
  closed?: boolean;
}

/**
 * Kysely over SQLite with the connection in a worker thread. better-sqlite3 is synchronous, so
 * on the main thread every query — and every commit's fsync, several milliseconds with
 * synchronous=FULL — stalled all HTTP handling and deliveries in flight. Here the event loop
 * only posts the SQL and awaits the answer. Queries are serialized exactly as with Kysely's own
 * SQLite driver: one connection, one transaction at a time.
 *
 * @example new Kysely<Database>({ dialect: new SqliteThreadDialect({ path: "data/hookrelay.db", synchronous: "full" }) })
 */
export class SqliteThreadDialect implements Dialect {
  private driver: SqliteThreadDriver | undefined;

  constructor(private readonly options: SqliteThreadOptions) {}

  createDriver(): Driver {
    this.driver = new SqliteThreadDriver(this.options);
    return this.driver;
  }

  /**
   * Runs the statements in one transaction, all or nothing, in a single round trip to the
   * thread: begin, every statement and commit happen there without waiting for this thread's
   * event loop in between. Under load a round trip costs a turn of a busy event loop (a
   * millisecond or more), and a group-commit batch used to take five of them.
   */
  async runAtomic(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    if (!this.driver) throw new Error("the SQLite thread dialect is not initialized");
    return queries.length === 0 ? [] : this.driver.runAtomic(queries);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class SqliteThreadDriver implements Driver {
  private worker: Worker | undefined;
  private connection: ThreadConnection | undefined;
  private readonly mutex = new Mutex();

  constructor(private readonly options: SqliteThreadOptions) {}

  async init(): Promise<void> {
    const driverPath = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { driverPath, path: this.options.path, synchronous: this.options.synchronous },
    });
    this.worker.unref();
    this.connection = new ThreadConnection(this.worker);
    // The first query proves the database opened (or surfaces why it did not).
    await this.connection.executeQuery(CompiledQuery.raw("select 1"));
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection!;
  }

  async runAtomic(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    await this.mutex.lock();
    try {
      return await this.connection!.executeScript(queries);
    } finally {
      this.mutex.unlock();
    }
  }

  /**
   * `begin immediate`: every transaction opened through Kysely writes (changes with their audit
   * rows, cascading deletes), and taking the write lock up front means another process on the
   * same file (an `api` and a `worker` role) makes it wait out busy_timeout at the start, rather
   * than fail with SQLITE_BUSY when a read transaction tries to become a write one.
   */
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    await this.connection?.close();
  }
}

class ThreadConnection implements DatabaseConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private closed: Promise<void> | undefined;

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.resolve(reply);
    });
    const failAll = (error: Error): void => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    worker.on("error", (e) => failAll(e));
    worker.on("exit", (code) => failAll(new Error(`SQLite thread exited with code ${code}`)));
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.send({ sql: compiled.sql, params: compiled.parameters });
    return toQueryResult<R>(reply);
  }

  async executeScript(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    const reply = await this.send({ script: queries.map((q) => ({ sql: q.sql, params: q.parameters })) });
    return (reply.results ?? []).map((r) => toQueryResult(r));
  }

  private async send(message: object): Promise<Reply> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
    if (reply.error) {
      // Keep better-sqlite3's error code (SQLITE_CONSTRAINT_UNIQUE…) for the callers that branch on it.
      throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    }
    return reply;
  }

  // eslint-disable-next-line require-yield -- streaming is not offered; the interface requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported by the SQLite thread driver");
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.worker.once("exit", () => resolve());
      this.worker.on("message", (m: Reply) => {
        if (m.closed) void this.worker.terminate();
      });
      this.worker.postMessage({ close: true });
    });
    return this.closed;
  }
}

function toQueryResult<R>(result: Result): QueryResult<R> {
  if (result.rows) return { rows: result.rows as R[] };
  return {
    rows: [],
    numAffectedRows: BigInt(result.changes ?? 0),
    insertId: result.insertId !== undefined ? BigInt(result.insertId) : undefined,
  };
}

/** One holder at a time, in arrival order (as Kysely's own SQLite driver does). */
class Mutex {
  private queue: (() => void)[] = [];
  private held = false;

  async lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  unlock(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}
