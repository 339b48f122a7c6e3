import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, Seed, type TestStore } from "../../test-support/store.js";
import { CircuitState } from "../schema.js";
import { migrationProvider } from "./index.js";

describeEachStore("migration 0008: endpoint circuit columns, down and up again (%s)", (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("drops the columns and indexes on the way down and gives existing endpoints a closed circuit on the way up", async () => {
    t = await openTestStore(kind);
    const db = t.store.db;
    const schema =
      kind === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
    const migrator = new Migrator({ db, provider: migrationProvider(undefined), migrationTableSchema: schema });
    const down = await migrator.migrateTo("0007-inbound-reprocess");
    expect(down.error).toBeUndefined();
    const columns = async () =>
      // PostgreSQL's introspection lists every schema's tables: other tests' schemas have an endpoints table too.
      (await db.introspection.getTables())
        .find((table) => table.name === "endpoints" && (schema === undefined || table.schema === schema))!
        .columns.map((c) => c.name);
    expect(await columns()).not.toContain("circuit_state");

    // An endpoint written before the upgrade.
    const seed = new Seed(t.store);
    const app = await seed.app();
    await sql`insert into endpoints (id, app_id, uid, url, description, disabled, event_types, channels, metadata,
        throttle_rate, secret, old_secrets, headers, first_failure_at, created_at, updated_at)
      values ('ep_old', ${app}, null, 'https://example.com', '', 0, null, null, '{}', null, 'whsec_x', '[]', '{}', null, 1, 1)`.execute(db);

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(await columns()).toEqual(expect.arrayContaining(["max_in_flight", "disable_after_failures", "circuit_next_probe_at"]));
    expect(await db.selectFrom("endpoints").selectAll().where("id", "=", "ep_old").executeTakeFirstOrThrow()).toMatchObject({
      circuit_state: CircuitState.closed,
      consecutive_failures: 0,
      circuit_opens: 0,
      max_in_flight: null,
      window_attempts: 0,
    });
  });
});
