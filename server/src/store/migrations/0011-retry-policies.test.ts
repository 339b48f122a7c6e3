import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, type TestStore } from "../../test-support/store.js";
import { migrationProvider } from "./index.js";

describeEachStore("migration 0011: retry schedules and throttle slots, up and down (%s)", (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("adds the columns and the table, and its down removes them again", async () => {
    t = await openTestStore(kind);
    const db = t.store.db;
    const schema =
      kind === "postgres"
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
        : undefined;
    const provider = migrationProvider(undefined);
    const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
    const names = Object.keys(await provider.getMigrations()).sort();
    const before = names[names.indexOf("0011-retry-policies") - 1]!;

    const columns = async () => {
      // This schema's tables only: PostgreSQL's introspection lists every schema's, and other
      // test schemas (or anyone's) may share the database.
      const tables = (await db.introspection.getTables()).filter((x) => kind === "sqlite" || x.schema === schema);
      return {
        slots: tables.some((x) => x.name === "throttle_slots"),
        withSchedule: tables
          .filter((x) => x.columns.some((c) => c.name === "retry_schedule"))
          .map((x) => x.name)
          .sort(),
      };
    };
    expect(await columns()).toEqual({
      slots: true,
      withSchedule: ["applications", "endpoints", "event_types"],
    });

    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    expect(await columns()).toEqual({ slots: false, withSchedule: [] });

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await columns()).toEqual({
      slots: true,
      withSchedule: ["applications", "endpoints", "event_types"],
    });
  });
});
