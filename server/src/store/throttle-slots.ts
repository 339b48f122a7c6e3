import { type Kysely, sql } from "kysely";

import type { SlotGrant, SlotRequest } from "../lib/send-slots.js";
import type { Database } from "./schema.js";

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
  constructor(private readonly db: Kysely<Database>) {}

  async reserve(
    requests: readonly SlotRequest[],
    now: number,
    horizonMs: number,
  ): Promise<Map<string, SlotGrant>> {
    const answers = await Promise.all(requests.map((r) => this.reserveOne(r, now, horizonMs)));
    return new Map(answers.map((grant, i) => [requests[i]!.key, grant]));
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
