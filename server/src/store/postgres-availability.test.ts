import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import { isDatabaseUnavailable } from "../lib/db-errors.js";
import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { startTcpProxy, type TcpProxy } from "../test-support/tcp-proxy.js";
import { openStore, type Store } from "./database.js";

/**
 * The PostgreSQL store while the server comes and goes: fresh-schema migrations by instances
 * starting together, failing fast (in what the API turns into a 503) while the server cannot be
 * reached, and recovering without a restart. The outage is played by cutting a TCP relay in
 * front of the real server, so the server other suites use stays up.
 */
describe.skipIf(!TEST_POSTGRES_URL)("PostgreSQL store availability", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  async function schema(): Promise<PgSchema> {
    const s = await createPgSchema(TEST_POSTGRES_URL!);
    cleanups.push(() => s.drop());
    return s;
  }

  async function open(url: string, options: { pgStatementTimeoutMs?: number } = {}): Promise<Store> {
    const store = await openStore({ dataDir: "/nonexistent", databaseUrl: url, pgPoolSize: 4, ...options });
    cleanups.push(() => store.close());
    return store;
  }

  async function migrations(store: Store): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      store.db,
    );
    return rows.map((r) => r.name);
  }

  it("migrates one fresh schema from several instances starting together", async () => {
    // Another schema of the same database already migrated: Kysely must not take its
    // bookkeeping tables for this schema's.
    const elsewhere = await schema();
    await open(elsewhere.url);
    const fresh = await schema();
    const stores = await Promise.all([open(fresh.url), open(fresh.url), open(fresh.url)]);
    const expected = await migrations(stores[0]!);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(expected).toContain("0003-stats-counters");
    for (const s of stores) expect(await migrations(s)).toEqual(expected);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from stats_hourly`.execute(
      stores[1]!.db,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("fails fast while the server is unreachable and recovers by itself", async () => {
    const s = await schema();
    const proxy: TcpProxy = await startTcpProxy(TEST_POSTGRES_URL!);
    cleanups.push(() => proxy.close());
    const store = await open(proxy.through(s.url));
    await sql`select 1`.execute(store.db);

    await proxy.cut();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const error = await sql`select 1`.execute(store.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_500);
    }

    await proxy.restore();
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        await sql`select 1`.execute(store.db);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  it("ends a statement that runs past the statement timeout, as unavailable", async () => {
    const s = await schema();
    const store = await open(s.url, { pgStatementTimeoutMs: 200 });
    const started = Date.now();
    const error = await sql`select pg_sleep(2)`.execute(store.db).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe("57014");
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("survives losing a connection between two statements of a transaction", async () => {
    const s = await schema();
    const store = await open(s.url);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    cleanups.push(() => admin.end());
    const error = await store.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
        // The server's goodbye arrives while no query is running on the client: pg reports it
        // as an 'error' event, which must not be an uncaught exception.
        await new Promise((r) => setTimeout(r, 200));
        await sql`select 1`.execute(trx);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isDatabaseUnavailable(error)).toBe(true);
    // The pool dropped the dead connection and serves the next query with a new one.
    await sql`select 1`.execute(store.db);
  });
});
