import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, type TestStore } from "../../test-support/store.js";
import { TasksRepository } from "../tasks-repository.js";
import { migrationProvider } from "./index.js";

describeEachStore("migration 0010: background tasks (%s)", (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("keeps 0001's task rows (an interrupted one failed), and goes down again keeping those that have an endpoint", async () => {
    t = await openTestStore(kind);
    const db = t.store.db;
    const schema = kind === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
    const migrator = new Migrator({ db, provider: migrationProvider(undefined), migrationTableSchema: schema });
    expect((await migrator.migrateTo("0007-inbound-reprocess")).error).toBeUndefined();
    await sql`insert into tasks (id, app_id, endpoint_id, task, status, created_at, updated_at)
      values ('qtask_old', 'app_1', 'ep_1', 'endpoint.recover', 'finished', 1, 2),
             ('qtask_cut', 'app_1', 'ep_1', 'endpoint.recover', 'running', 1, 2)`.execute(db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const repo = new TasksRepository(t.store);
    expect(await repo.find("qtask_old")).toMatchObject({
      endpoint_id: "ep_1",
      status: "finished",
      params: "{}",
      cursor: null,
      total: null,
      lease_owner: null,
    });
    // Cut short inside its request before 0010: its range is unknown, so it is not resumed.
    expect(await repo.find("qtask_cut")).toMatchObject({ status: "failed", error: expect.stringContaining("start the recover again") });
    // The new shape: a task without an endpoint (a purge), claimable by a runner.
    await db
      .insertInto("tasks")
      .values({ id: "qtask_purge", app_id: "app_1", endpoint_id: null, task: "application.purge_content", status: "running", params: "{}", cursor: null, scanned: 0, affected: 0, total: null, error: null, lease_owner: null, lease_until: null, created_at: 3, updated_at: 3 })
      .execute();
    expect((await repo.claim({ owner: "w", now: 10, leaseMs: 1_000 }))?.id).toBe("qtask_purge");

    expect((await migrator.migrateTo("0007-inbound-reprocess")).error).toBeUndefined();
    const rows = await sql<{ id: string }>`select id from tasks order by id`.execute(db);
    expect(rows.rows.map((r) => r.id)).toEqual(["qtask_cut", "qtask_old"]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
  });
});
