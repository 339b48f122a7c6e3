import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";

import { createPgSchema, TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { inSchemaOnly } from "./schema-introspector.js";

describe.skipIf(!TEST_POSTGRES_URL)("the migrator's introspection on PostgreSQL", () => {
  it("sees only its own schema's tables, and no other schema's, even one dropped meanwhile", async () => {
    const [mine, other] = [await createPgSchema(TEST_POSTGRES_URL!), await createPgSchema(TEST_POSTGRES_URL!)];
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: mine.url, max: 1 }) }) });
    try {
      await sql`create table ${sql.id(mine.schema, "mine_table")} (id int)`.execute(db);
      await sql`create table ${sql.id(other.schema, "other_table")} (id int)`.execute(db);
      const scoped = inSchemaOnly(db, mine.schema);
      expect(await scoped.introspection.getTables()).toEqual([{ name: "mine_table", schema: mine.schema, isView: false, columns: [] }]);
      expect(await scoped.introspection.getSchemas()).toEqual([{ name: mine.schema }]);
      await other.drop();
      expect((await scoped.introspection.getTables()).map((t) => t.name)).toEqual(["mine_table"]);
      // Everything else is the connection's own.
      expect(scoped.isTransaction).toBe(false);
      expect((await sql<{ n: number }>`select 1 as n`.execute(scoped)).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.destroy();
      await mine.drop();
    }
  });
});
