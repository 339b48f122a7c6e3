import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, type TestStore } from "../../test-support/store.js";
import { migrationProvider } from "./index.js";

describeEachStore("migration 0018: internal applications and ingest sources, up and down (%s)", (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("marks the operational application internal, adds the ingest table, and its down removes both", async () => {
    t = await openTestStore(kind);
    const db = t.store.db;
    const schema =
      kind === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
    const provider = migrationProvider(undefined);
    const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
    const names = Object.keys(await provider.getMigrations()).sort();
    const before = names[names.indexOf("0018-ingest-sources") - 1]!;

    // This schema's tables only: other test schemas may share the database.
    const shape = async () => {
      const tables = (await db.introspection.getTables()).filter((x) => kind === "sqlite" || x.schema === schema);
      return {
        ingestTable: tables.some((x) => x.name === "ingest_sources"),
        internalColumn: tables.find((x) => x.name === "applications")!.columns.some((c) => c.name === "internal"),
      };
    };
    expect(await shape()).toEqual({ ingestTable: true, internalColumn: true });

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect(await shape()).toEqual({ ingestTable: false, internalColumn: false });
    // An operational application made before 0018 …
    await sql`insert into applications (id, uid, name, metadata, throttle_rate, created_at, updated_at)
      values ('app_hookrelayOperationalWebhook', null, 'ops', '{}', null, 1, 1), ('app_user', null, 'user', '{}', null, 1, 1)`.execute(db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await shape()).toEqual({ ingestTable: true, internalColumn: true });
    // … is internal after it; a user's application is not.
    const rows = await db.selectFrom("applications").select(["id", "internal"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "app_hookrelayOperationalWebhook", internal: "operational" },
      { id: "app_user", internal: null },
    ]);
  });
});
