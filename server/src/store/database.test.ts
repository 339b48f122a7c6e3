import { expect, it } from "vitest";

import { isUniqueViolation } from "../lib/db-errors.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";

describeEachStore("Store.atomic on %s", (dialect) => {
  const t = storePerTest(dialect);

  const rename = (id: string, name: string) =>
    t.store.db.updateTable("applications").set({ name }).where("id", "=", id).compile();
  const names = async () =>
    (await t.store.db.selectFrom("applications").select("name").orderBy("id").execute()).map((r) => r.name);

  it("commits every statement and returns their results in order", async () => {
    const a = await t.seed.app();
    const b = await t.seed.app();
    const results = await t.store.atomic([
      rename(a, "first"),
      rename(b, "second"),
      t.store.db.selectFrom("applications").select("name").where("id", "=", a).compile(),
    ]);
    expect(results.map((r) => Number(r.numAffectedRows ?? 0))).toEqual([1, 1, 0]);
    expect(results[2]!.rows).toEqual([{ name: "first" }]);
    expect(await names()).toEqual(["first", "second"]);
  });

  it("writes nothing when a later statement fails, and keeps the database error's code", async () => {
    const a = await t.seed.app();
    const b = await t.seed.app();
    const duplicate = t.store.db
      .insertInto("applications")
      .values({ id: b, uid: null, name: "dup", metadata: "{}", throttle_rate: null, created_at: 0, updated_at: 0 })
      .compile();
    const error = await t.store.atomic([rename(a, "changed"), duplicate]).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await names()).toEqual(["Test", "Test"]);
    // The connection is usable afterwards: no transaction was left open.
    await t.store.atomic([rename(a, "after")]);
    expect(await names()).toEqual(["after", "Test"]);
  });

  it("runs nothing for an empty list", async () => {
    expect(await t.store.atomic([])).toEqual([]);
  });
});
