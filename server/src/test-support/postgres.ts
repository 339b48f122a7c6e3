import { randomBytes } from "node:crypto";

import pg from "pg";
import { describe } from "vitest";

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

/** Every store a store-parameterized suite covers. */
const testStores = ["sqlite", "postgres"] as const;

export type StoreKind = (typeof testStores)[number];

/**
 * `describe` once per store. The PostgreSQL variant is always registered and is skipped, not
 * left out, without TEST_POSTGRES_URL, so the summary counts the same tests either way and a
 * missing PostgreSQL shows up as skipped tests rather than as a smaller total.
 *
 * @example describeEachStore("QueueViewRepository on %s", (kind) => { it("…", async () => { … }); });
 */
export function describeEachStore(name: string, suite: (kind: StoreKind) => void): void {
  for (const kind of testStores) {
    describe.skipIf(kind === "postgres" && !TEST_POSTGRES_URL)(name.replace("%s", kind), () => suite(kind));
  }
}
