import { afterEach, beforeEach, expect, it } from "vitest";

import { newId } from "../../lib/ids.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, Seed, type TestStore } from "../../test-support/store.js";
import type { MessageRow } from "../schema.js";
import { expandMessages, type ExpandOptions } from "./expand.js";

/** Fan-out in the worker (ADR 0022), below the API: claim, match, write, mark, lease. */
describeEachStore("expandMessages on %s", (kind) => {
  let t: TestStore;
  let seed: Seed;
  beforeEach(async () => {
    t = await openTestStore(kind);
    seed = new Seed(t.store);
  });
  afterEach(async () => {
    await t.close();
  });

  const options = (over: Partial<ExpandOptions> = {}): ExpandOptions => ({
    owner: "w1",
    now: Date.now(),
    leaseMs: 30_000,
    limit: 100,
    ...over,
  });

  const message = (appId: string, values: Partial<MessageRow> = {}): Promise<string> =>
    seed.message(appId, { event_type: "user.created", ...values });

  const pairs = async (): Promise<string[]> =>
    (await t.store.db.selectFrom("deliveries").select(["msg_id", "endpoint_id"]).orderBy("id").execute()).map(
      (r) => `${r.msg_id}>${r.endpoint_id}`,
    );

  it("writes one delivery per matching endpoint, in message order, and marks the messages expanded", async () => {
    const app = await seed.app();
    const all = await seed.endpoint(app);
    const typed = await seed.endpoint(app, { event_types: JSON.stringify(["order.paid"]) });
    await seed.endpoint(app, { disabled: 1 });
    await seed.endpoint(app, { polling: 1 });
    const m1 = await message(app);
    const m2 = await message(app, { event_type: "order.paid", deliver_at: Date.now() + 60_000 });
    const result = await expandMessages(t.store, options());
    expect(result).toMatchObject({ claimed: 2, messages: 2, deliveries: 3 });
    expect(result.lagsMs).toHaveLength(2);
    expect(await pairs()).toEqual([`${m1}>${all}`, `${m2}>${all}`, `${m2}>${typed}`].sort((a, b) => (a < b ? -1 : 1)));
    const scheduled = await t.store.db.selectFrom("deliveries").select("due_at").where("msg_id", "=", m2).execute();
    expect(scheduled.map((r) => Number(r.due_at))).toEqual([expect.any(Number), expect.any(Number)]);
    expect(Number(scheduled[0]!.due_at)).toBeGreaterThan(Date.now());
    const marked = await t.store.db.selectFrom("messages").select(["expanded_at", "expand_owner"]).execute();
    expect(marked.every((m) => m.expanded_at !== null && m.expand_owner === null)).toBe(true);
    // Nothing is expanded twice.
    expect(await expandMessages(t.store, options())).toMatchObject({ claimed: 0, deliveries: 0 });
  });

  it("matches endpoints when it expands: created after the commit gets it, disabled or deleted before does not", async () => {
    const app = await seed.app();
    const disabled = await seed.endpoint(app);
    const deleted = await seed.endpoint(app);
    const msg = await message(app);
    const late = await seed.endpoint(app);
    await t.store.db.updateTable("endpoints").set({ disabled: 1 }).where("id", "=", disabled).execute();
    await t.store.db.deleteFrom("endpoints").where("id", "=", deleted).execute();
    t.store.fanoutCache.invalidate();
    await expandMessages(t.store, options());
    expect(await pairs()).toEqual([`${msg}>${late}`]);
  });

  it("send-example's message goes to its one endpoint only, its filters aside", async () => {
    const app = await seed.app();
    await seed.endpoint(app);
    const named = await seed.endpoint(app, { event_types: JSON.stringify(["other"]) });
    const msg = await message(app, { only_endpoint_id: named });
    await expandMessages(t.store, options());
    expect(await pairs()).toEqual([`${msg}>${named}`]);
  });

  it("a live lease keeps a batch from a second worker; an expired one gives it back, and no pair is written twice", async () => {
    const app = await seed.app();
    const ep = await seed.endpoint(app);
    const msg = await message(app);
    const now = Date.now();
    // w1 claimed and died before its commit: its lease holds the message until it runs out.
    await t.store.db.updateTable("messages").set({ expand_owner: "w1", expand_until: now + 30_000 }).execute();
    expect(await expandMessages(t.store, options({ owner: "w2", now }))).toMatchObject({ claimed: 0 });
    expect(await expandMessages(t.store, options({ owner: "w2", now: now + 30_000 }))).toMatchObject({ messages: 1, deliveries: 1 });
    // A resend made the row first: the expansion leaves it as it is.
    const again = await message(app);
    await seed.delivery(app, ep, { message: { id: newId("msg") } });
    await t.store.db
      .insertInto("deliveries")
      .values({ id: newId("dlv"), msg_id: again, app_id: app, endpoint_id: ep, status: 1, attempt_count: 0, due_at: now, lease_owner: null, last_attempt_at: null, last_status_code: null, next_trigger: 1, created_at: now, updated_at: now })
      .execute();
    await expandMessages(t.store, options());
    const rows = await t.store.db.selectFrom("deliveries").select(["msg_id", "next_trigger"]).where("msg_id", "in", [msg, again]).execute();
    expect(rows.map((r) => `${r.msg_id}:${r.next_trigger}`).sort()).toEqual([`${again}:1`, `${msg}:0`].sort());
  });

  it("splits a batch into transactions of at most maxRows deliveries, one message at least", async () => {
    const app = await seed.app();
    for (let i = 0; i < 3; i++) await seed.endpoint(app);
    for (let i = 0; i < 4; i++) await message(app);
    const result = await expandMessages(t.store, options({ maxRows: 2 }));
    expect(result).toMatchObject({ messages: 4, deliveries: 12 });
  });

  it("concurrent expansions of one backlog write every pair exactly once", async () => {
    const app = await seed.app();
    const eps = [await seed.endpoint(app), await seed.endpoint(app)];
    for (let i = 0; i < 60; i++) await message(app);
    const results = await Promise.all(
      ["a", "b", "c"].map(async (owner) => {
        let n = 0;
        for (;;) {
          const r = await expandMessages(t.store, options({ owner, limit: 7 }));
          n += r.messages;
          if (r.claimed === 0) return n;
        }
      }),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(60);
    const rows = await pairs();
    expect(rows).toHaveLength(120);
    expect(new Set(rows).size).toBe(120);
    expect(eps).toHaveLength(2);
  });
});
