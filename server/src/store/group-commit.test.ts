import { afterEach, beforeEach, expect, it } from "vitest";

import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, type TestStore } from "../test-support/store.js";
import { GroupCommit } from "./group-commit.js";
import { insertQueries } from "./insert-queries.js";
import type { EventTypeRow } from "./schema.js";

const COLUMNS = ["name", "description", "archived", "deprecated", "feature_flag", "schemas", "created_at", "updated_at"] as const;

function row(name: string): EventTypeRow {
  return { name, description: "", archived: 0, deprecated: 0, feature_flag: null, schemas: null, retry_schedule: null, created_at: 1, updated_at: 1 };
}

/** GroupCommit on its own, writing real rows: batching, and a failed batch retried item by item. */
describeEachStore("GroupCommit on %s", (kind) => {
  let t: TestStore;
  let batches: string[][];
  let writer: GroupCommit<EventTypeRow, string>;

  beforeEach(async () => {
    t = await openTestStore(kind);
    batches = [];
    writer = new GroupCommit({ maxWaitMs: 5, maxBatch: 4, concurrency: 1 }, async (rows) => {
      batches.push(rows.map((r) => r.name));
      await t.store.atomic(insertQueries(t.store.dialect, "event_types", COLUMNS, rows));
      return rows.map((r) => r.name);
    });
  });
  afterEach(async () => {
    await writer.drain();
    await t.close();
  });

  async function stored(): Promise<string[]> {
    const rows = await t.store.db.selectFrom("event_types").select("name").orderBy("name").execute();
    return rows.map((r) => r.name);
  }

  it("writes requests that arrive together in one batch, and answers each after its commit", async () => {
    const answers = await Promise.all(["a", "b", "c"].map((n) => writer.submit(row(n))));
    expect(answers).toEqual(["a", "b", "c"]);
    expect(batches).toEqual([["a", "b", "c"]]);
    expect(await stored()).toEqual(["a", "b", "c"]);
  });

  it("splits at maxBatch and keeps the order of arrival", async () => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    await Promise.all(names.map((n) => writer.submit(row(n))));
    expect(batches.flat()).toEqual(names);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    expect(batches[0]).toEqual(["a", "b", "c", "d"]);
    expect(await stored()).toEqual(names);
  });

  it("a failed batch is retried one item per transaction: only the bad item fails", async () => {
    await writer.submit(row("taken"));
    batches = [];
    const results = await Promise.allSettled(["x", "taken", "y"].map((n) => writer.submit(row(n))));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // The whole batch rolled back first (all or nothing), then each item went alone.
    expect(batches).toEqual([["x", "taken", "y"], ["x"], ["taken"], ["y"]]);
    expect(await stored()).toEqual(["taken", "x", "y"]);
  });

  it("a batch of one that fails is not retried", async () => {
    await writer.submit(row("once"));
    batches = [];
    await expect(writer.submit(row("once"))).rejects.toThrow();
    expect(batches).toEqual([["once"]]);
  });

  it("drain() resolves only after everything submitted is written", async () => {
    const pending = ["p", "q"].map((n) => writer.submit(row(n)));
    await writer.drain();
    expect(await stored()).toEqual(["p", "q"]);
    await Promise.all(pending);
  });
});
