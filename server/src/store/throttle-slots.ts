import { type Kysely, sql } from "kysely";

import type { SlotGrant, SlotRequest } from "../lib/send-slots.js";
import type { Database } from "./schema.js";

/** How often each worker clears out the rows of idle keys (ten minutes). */
const PRUNE_EVERY_MS = 600_000;

/**
 * Send slots shared by every instance on PostgreSQL (table `throttle_slots`, migration 0011):
 * the arithmetic of `reserveSlots` (lib/send-slots.ts) as one upsert per throttled key and
 * claim batch, so the row lock serializes concurrent reservations and no two instances get
 * the same slot. The hot path pays one short statement per throttled key per claim (not per
 * delivery), run concurrently; unthrottled deliveries pay nothing.
 *
 * Slots are in the workers' clock, like `due_at`: instances need synchronized clocks (NTP),
 * which the queue's due times already require.
 *
 * @example const grants = await new SharedThrottleSlots(store.db).reserve([{ key: "ep:ep_1", perSecond: 10, count: 5 }], Date.now(), 1000);
 */
export class SharedThrottleSlots {
  private nextPruneAt = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async reserve(
    requests: readonly SlotRequest[],
    now: number,
    horizonMs: number,
  ): Promise<Map<string, SlotGrant>> {
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      // Housekeeping only: a failure here costs nothing but a few idle rows until next time.
      this.pruneIdle(now).catch(() => undefined);
    }
    const answers = await Promise.all(requests.map((r) => this.reserveOne(r, now, horizonMs)));
    return new Map(answers.map((grant, i) => [requests[i]!.key, grant]));
  }

  /**
   * Deletes the rows of keys idle for a minute (deleted endpoints and applications, throttles
   * removed): a key whose next free slot has passed behaves exactly like a key with no row, so
   * this never changes a reservation, even one racing it. Returns how many went.
   */
  async pruneIdle(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom("throttle_slots")
      .where("tat", "<", now - 60_000)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async reserveOne(r: SlotRequest, now: number, horizonMs: number): Promise<SlotGrant> {
    const interval = 1000 / r.perSecond;
    const n = sql`${now}::float8`;
    const i = sql`${interval}::float8`;
    const count = sql`${r.count}::float8`;
    const end = sql`${now + horizonMs}::float8`;
    const start = sql`greatest(t.tat, ${n})`;
    const { rows } = await sql<{ tat: number; start_at: number }>`
      insert into throttle_slots as t (key, tat, start_at, updated_at)
      values (${r.key}, ${n} + least(${count}, ceil((${end} - ${n}) / ${i})) * ${i}, ${n}, ${Math.floor(now)})
      on conflict (key) do update set
        start_at = ${start},
        tat = ${start} + least(${count}, greatest(0, ceil((${end} - ${start}) / ${i}))) * ${i},
        updated_at = ${Math.floor(now)}
      returning tat, start_at`.execute(this.db);
    const row = rows[0]!;
    const tat = Number(row.tat);
    const startAt = Number(row.start_at);
    return {
      startAt,
      granted: Math.round((tat - startAt) / interval),
      intervalMs: interval,
      nextFreeAt: tat,
    };
  }
}
