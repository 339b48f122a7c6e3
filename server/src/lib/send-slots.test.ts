import { describe, expect, it } from "vitest";

import { reserveSlots } from "./send-slots.js";

describe("reserveSlots", () => {
  it("grants one slot per interval up to the horizon, and no burst", () => {
    const first = reserveSlots(undefined, 10, 25, 1000, 5_000);
    expect(first.grant).toEqual({ startAt: 5_000, granted: 10, intervalMs: 100, nextFreeAt: 6_000 });
    // Asked again at once: every slot of the horizon is taken.
    const again = reserveSlots(first.tat, 10, 5, 1000, 5_000);
    expect(again.grant.granted).toBe(0);
    expect(again.grant.nextFreeAt).toBe(6_000);
    // Half a second later, half a second's worth more, starting where the last one ended.
    const later = reserveSlots(again.tat, 10, 20, 1000, 5_500);
    expect(later.grant).toMatchObject({ startAt: 6_000, granted: 5, nextFreeAt: 6_500 });
  });

  it("does not bank unused time: an idle key starts at now", () => {
    const { grant } = reserveSlots(1_000, 2, 3, 1000, 10_000);
    expect(grant).toMatchObject({ startAt: 10_000, granted: 2, intervalMs: 500 });
  });

  it("handles rates below one a second", () => {
    const { grant } = reserveSlots(undefined, 0.5, 3, 1000, 0);
    expect(grant).toMatchObject({ granted: 1, intervalMs: 2000, nextFreeAt: 2000 });
  });
});
