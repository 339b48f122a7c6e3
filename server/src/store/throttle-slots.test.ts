import { describe, expect, it } from "vitest";

import { reserveSlots } from "../lib/send-slots.js";
import { TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { openTestStore } from "../test-support/store.js";
import { SharedThrottleSlots } from "./throttle-slots.js";

/** The shared throttle is PostgreSQL's; SQLite (one process) keeps slots in memory. */
describe.skipIf(!TEST_POSTGRES_URL)("SharedThrottleSlots on postgres", () => {
  it("computes what reserveSlots computes, and concurrent reservations never share a slot", async () => {
    const t = await openTestStore("postgres");
    try {
      const slots = new SharedThrottleSlots(t.store.db);
      const now = 1_700_000_000_000;
      const got = await slots.reserve([{ key: "ep:a", perSecond: 10, count: 25 }], now, 1000);
      expect(got.get("ep:a")).toEqual(reserveSlots(undefined, 10, 25, 1000, now).grant);

      // Twenty reservations of two slots at once, from separate connections of the pool.
      const many = await Promise.all(
        Array.from({ length: 20 }, () =>
          slots.reserve([{ key: "ep:b", perSecond: 20, count: 2 }], now, 1000),
        ),
      );
      const starts = many.flatMap((m) => {
        const g = m.get("ep:b")!;
        return Array.from({ length: g.granted }, (_, k) => g.startAt + k * g.intervalMs);
      });
      // 20 a second over a one-second horizon: exactly 20 slots, all different, 50 ms apart.
      expect(starts).toHaveLength(20);
      expect(new Set(starts).size).toBe(20);
      expect(Math.max(...starts) - Math.min(...starts)).toBe(950);

      // Keys idle for a minute are cleared out; a pruned key starts afresh, and a busy one stays.
      expect(await slots.pruneIdle(now + 120_000)).toBe(2);
      expect(await t.store.db.selectFrom("throttle_slots").select("key").execute()).toEqual([]);
      const fresh = await slots.reserve([{ key: "ep:a", perSecond: 10, count: 1 }], now + 120_000, 1000);
      expect(fresh.get("ep:a")).toMatchObject({ startAt: now + 120_000, granted: 1 });
      expect(await slots.pruneIdle(now + 120_000)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
