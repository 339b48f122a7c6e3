/**
 * Throttling as reserved send slots (GCRA, the "generic cell rate algorithm"): a throttled key
 * (an endpoint or an application) sends at most one delivery every `1000 / perSecond` ms, with
 * no burst allowance. Its state is one number, `tat`: the first slot nobody has reserved yet.
 * A worker reserves the slots of a whole claim batch at once, but never further ahead than a
 * short horizon; deliveries beyond it go back to the queue and reserve again when they return.
 *
 * No burst, because a token bucket holding a second's worth of tokens lets `2 × perSecond`
 * requests land in one second (a full bucket, then its refill); one slot per interval keeps
 * every one-second window at `perSecond` (+1 where a window straddles two slots).
 */

/** Slots wanted for one throttled key in one claim batch. @example { key: "ep:ep_1", perSecond: 10, count: 3 } */
export interface SlotRequest {
  key: string;
  perSecond: number;
  count: number;
}

/**
 * What was reserved: `granted` slots at `startAt + k × intervalMs` (k < granted);
 * `nextFreeAt` is the first slot left unreserved, when the rest should come back.
 *
 * @example { startAt: 1000, granted: 2, intervalMs: 100, nextFreeAt: 1200 }
 */
export interface SlotGrant {
  startAt: number;
  granted: number;
  intervalMs: number;
  nextFreeAt: number;
}

/**
 * Reserves up to `count` slots on a key whose first free slot is `tat` (undefined: never used),
 * none later than `now + horizonMs`. Returns the grant and the key's new `tat`. The same
 * arithmetic runs in SQL on PostgreSQL (`store/throttle-slots.ts`).
 *
 * @example reserveSlots(undefined, 10, 3, 1000, 0) // { grant: { startAt: 0, granted: 3, intervalMs: 100, nextFreeAt: 300 }, tat: 300 }
 */
export function reserveSlots(
  tat: number | undefined,
  perSecond: number,
  count: number,
  horizonMs: number,
  now: number,
): { grant: SlotGrant; tat: number } {
  const intervalMs = 1000 / perSecond;
  const startAt = Math.max(tat ?? now, now);
  const room = Math.max(0, Math.ceil((now + horizonMs - startAt) / intervalMs));
  const granted = Math.min(count, room);
  const next = startAt + granted * intervalMs;
  return { grant: { startAt, granted, intervalMs, nextFreeAt: next }, tat: next };
}
