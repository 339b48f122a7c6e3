import { reserveSlots, type SlotGrant, type SlotRequest } from "../lib/send-slots.js";
import type { ThrottleSlots } from "./ports.js";

/**
 * Send slots kept in memory: the throttle of a single process, which is what SQLite is (one
 * process owns the database). Share one instance between the workers of a process. On
 * PostgreSQL, where several instances deliver, `SharedThrottleSlots` keeps the same state in
 * the database instead.
 *
 * @example const grants = await new LocalThrottleSlots().reserve([{ key: "ep:ep_1", perSecond: 10, count: 5 }], Date.now(), 1000);
 */
export class LocalThrottleSlots implements ThrottleSlots {
  private readonly tats = new Map<string, number>();

  reserve(requests: readonly SlotRequest[], now: number, horizonMs: number): Promise<Map<string, SlotGrant>> {
    if (this.tats.size >= 10_000) this.prune(now);
    const grants = new Map<string, SlotGrant>();
    for (const r of requests) {
      const { grant, tat } = reserveSlots(this.tats.get(r.key), r.perSecond, r.count, horizonMs, now);
      this.tats.set(r.key, tat);
      grants.set(r.key, grant);
    }
    return Promise.resolve(grants);
  }

  /** A key whose next free slot has passed holds nothing a fresh key would not. */
  private prune(now: number): void {
    for (const [key, tat] of this.tats) if (tat < now) this.tats.delete(key);
  }
}
