import { randomBytes } from "node:crypto";

import pg from "pg";

/** The PostgreSQL the suite may use, or undefined (the PostgreSQL suite is then skipped). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL;

export interface PgSchema {
  /** A connection string whose search_path is the fresh schema. */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema per test file, so suites run in parallel on one database without seeing each
 * other's rows (pg-boss does the same). The returned URL sets `search_path` through the
 * connection's startup options, so the code under test needs no knowledge of it.
 *
 * @example const s = await createPgSchema(TEST_POSTGRES_URL!); … await s.drop();
 */
export async function createPgSchema(baseUrl: string): Promise<PgSchema> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The stores a store-parameterized suite runs on: always SQLite, PostgreSQL when reachable. */
export const testStores: ("sqlite" | "postgres")[] = TEST_POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];
