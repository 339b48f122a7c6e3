import type { SlotGrant, SlotRequest } from "../lib/send-slots.js";
import type { ClaimedDelivery } from "../store/deliveries-repository.js";
import type { BatchPolicies } from "../store/delivery-policies.js";
import type { ThrottleSlots } from "./ports.js";

/** When one claimed delivery may go: `sendAt` (now or a reserved slot), or back to the queue at `releaseAt`. */
export type Admission = { sendAt: number } | { releaseAt: number };

/**
 * How far ahead a worker reserves send slots, holding the delivery in memory until its slot.
 * A second: one throttled key never holds more than `perSecond` of a worker's slots, and the
 * hold stays far inside the lease (delivery timeout + HOOKRELAY_LEASE_MARGIN_MS).
 */
export const SLOT_HORIZON_MS = 1_000;

/**
 * Decides when each delivery of a claim batch may be sent under its endpoint's and its
 * application's throttle (`throttleRate`, deliveries per second; null or 0 = none). The slots
 * of each throttled key are reserved for the whole batch at once, oldest delivery first; a
 * delivery throttled twice takes the later of its two slots (the other goes unused, so the
 * tighter limit holds, at a small cost in throughput). What gets no slot within
 * {@link SLOT_HORIZON_MS} is handed back to the queue, due when slots free up again, spread one
 * interval apart so the rest do not all return at once. Deliveries to a disabled endpoint,
 * which are failed without a send, reserve nothing.
 *
 * @example const plan = await admitBatch(claimed, policies, slots, Date.now()); plan.get(id) // { sendAt } | { releaseAt }
 */
export async function admitBatch(
  claimed: readonly ClaimedDelivery[],
  policies: BatchPolicies | undefined,
  slots: ThrottleSlots,
  now: number,
): Promise<Map<string, Admission>> {
  const groups = new Map<string, { perSecond: number; members: string[] }>();
  const keysOf = new Map<string, string[]>();
  const join = (key: string, perSecond: number | null | undefined, deliveryId: string) => {
    if (!perSecond || perSecond <= 0) return;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { perSecond, members: [] }));
    group.members.push(deliveryId);
    const keys = keysOf.get(deliveryId);
    if (keys) keys.push(key);
    else keysOf.set(deliveryId, [key]);
  };
  for (const { delivery, endpoint } of claimed) {
    if (endpoint.disabled) continue;
    join(`ep:${endpoint.id}`, endpoint.throttle_rate, delivery.id);
    join(`app:${delivery.app_id}`, policies?.apps.get(delivery.app_id)?.throttleRate, delivery.id);
  }

  const plan = new Map<string, Admission>();
  if (groups.size === 0) return plan;
  const requests: SlotRequest[] = [...groups].map(([key, g]) => ({
    key,
    perSecond: g.perSecond,
    count: g.members.length,
  }));
  const grants = await slots.reserve(requests, now, SLOT_HORIZON_MS);

  const positions = new Map<string, Map<string, number>>();
  for (const [key, g] of groups) positions.set(key, new Map(g.members.map((id, i) => [id, i])));
  for (const [deliveryId, keys] of keysOf) {
    let sendAt = now;
    let releaseAt: number | undefined;
    for (const key of keys) {
      const grant: SlotGrant = grants.get(key)!;
      const k = positions.get(key)!.get(deliveryId)!;
      if (k < grant.granted) sendAt = Math.max(sendAt, grant.startAt + k * grant.intervalMs);
      else releaseAt = Math.max(releaseAt ?? 0, grant.nextFreeAt + (k - grant.granted) * grant.intervalMs);
    }
    plan.set(deliveryId, releaseAt !== undefined ? { releaseAt: Math.ceil(releaseAt) } : { sendAt });
  }
  return plan;
}
