import { afterEach, beforeEach, expect, it } from "vitest";

import { idAt } from "../lib/ids.js";
import { rawJsonText } from "../lib/raw-json.js";
import { PollerRepository } from "../store/poller-repository.js";
import type { MessageRow } from "../store/schema.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { decodeIterator, PollerService } from "./pollers.js";
import { CLI_ACTOR } from "./principal.js";

/** The `n` of a polled payload, read from the stored text the response carries verbatim. */
const nOf = (payload: unknown): number => (JSON.parse(rawJsonText(payload) ?? "null") as { n: number }).n;

/**
 * The commit-order hazard the safety lag exists for: a message's id is made before its
 * transaction commits, so with concurrent transactions (PostgreSQL) a later id can become
 * visible first. Messages are written straight to the table here to commit them in the
 * "wrong" order on purpose, and the clock is the test's.
 */
describeEachStore("polling endpoint order under late commits (%s)", (kind) => {
  let t: TestApp;
  let appId: string;
  let sink: string;
  let createdAt: number;

  beforeEach(async () => {
    t = await startTestApp({}, kind);
    appId = (await t.services.applications.create(CLI_ACTOR, { name: "Late" })).app.id;
    const ep = await t.services.endpoints.create(CLI_ACTOR, appId, { polling: true });
    sink = ep.id;
    createdAt = Date.parse(ep.createdAt);
  });
  afterEach(async () => {
    await t?.close();
  });

  /** Commits a message whose id was made at `madeAt` (ms after the endpoint's creation). */
  async function commit(madeAt: number, n: number, eventType = "e"): Promise<string> {
    const at = createdAt + madeAt;
    const row: MessageRow = {
      id: idAt("msg", new Date(at)),
      app_id: appId,
      event_type: eventType,
      event_id: null,
      payload: JSON.stringify({ n }),
      channels: null,
      tags: null,
      deliver_at: null,
      created_at: at,
      expires_at: at + 86_400_000,
    };
    await t.store.db.insertInto("messages").values(row).execute();
    return row.id;
  }

  function pollers(lagMs: number, clock: { now: number }): PollerService {
    return new PollerService(
      new PollerRepository(t.store.db),
      t.services.endpoints,
      lagMs,
      () => createdAt + clock.now,
    );
  }

  it("hands out a late-committing earlier message before the later one, with the lag", async () => {
    const clock = { now: 9_000 };
    const p = pollers(1_000, clock);
    // A's id was made at +8.5 s but its transaction is still open; B (+8.6 s) commits first.
    await commit(8_600, 2);
    const first = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 10 });
    // Both are younger than the lag: nothing is handed out, nothing is stepped over.
    expect(first.data).toEqual([]);
    await commit(8_500, 1); // at +9.0 s: 0.5 s after its id, within the lag
    clock.now = 9_700;
    const second = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 10, iterator: first.iterator });
    expect(second.data.map((m) => nOf(m.payload))).toEqual([1, 2]);
  });

  it("would skip that message without the lag (why the lag exists)", async () => {
    const clock = { now: 9_000 };
    const p = pollers(0, clock);
    await commit(8_600, 2);
    const first = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 10 });
    expect(first.data.map((m) => nOf(m.payload))).toEqual([2]);
    await commit(8_500, 1);
    clock.now = 9_700;
    const second = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 10, iterator: first.iterator });
    expect(second.data).toEqual([]);
  });

  it("moves a caught-up reader's iterator to the cutoff, so a rare filter does not rescan", async () => {
    const clock = { now: 5_000 };
    const p = pollers(1_000, clock);
    const last = [await commit(1_000, 1), await commit(2_000, 2), await commit(3_000, 3)].at(-1)!;
    const empty = await p.poll(CLI_ACTOR, appId, sink, { limit: 10, event_type: "rare" });
    expect([empty.data, empty.done]).toEqual([[], true]);
    expect(decodeIterator(empty.iterator) > last).toBe(true);
    await commit(4_500, 4, "rare"); // younger than the cutoff of that poll: still ahead of its iterator
    clock.now = 6_000;
    const next = await p.poll(CLI_ACTOR, appId, sink, {
      limit: 10,
      event_type: "rare",
      iterator: empty.iterator,
    });
    expect(next.data.map((m) => nOf(m.payload))).toEqual([4]);
  });

  it("starts a consumer at the endpoint's creation and never hands out younger messages", async () => {
    const clock = { now: 5_000 };
    const p = pollers(1_000, clock);
    await commit(-1_000, 0); // before the endpoint existed
    await commit(3_000, 1);
    await commit(4_500, 2); // younger than the lag at +5 s
    const page = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 10 });
    expect(page.data.map((m) => nOf(m.payload))).toEqual([1]);
    expect(page.done).toBe(true);
  });

  it("hands out only the messages the endpoint's content filter passes, and moves past the rest", async () => {
    await t.store.db.updateTable("endpoints").set({ content_filter: '{"n":{"$gte":2}}' }).where("id", "=", sink).execute();
    const clock = { now: 5_000 };
    const p = pollers(1_000, clock);
    for (const [at, n] of [[1_000, 1], [2_000, 2], [3_000, 3], [3_500, 0]] as const) await commit(at, n);
    const first = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 2 });
    expect([first.data.map((m) => nOf(m.payload)), first.done]).toEqual([[2], false]);
    const second = await p.consumerPoll(CLI_ACTOR, appId, sink, "c", { limit: 2, iterator: first.iterator });
    expect([second.data.map((m) => nOf(m.payload)), second.done]).toEqual([[3], true]);
  });
});
