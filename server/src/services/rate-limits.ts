import { CompiledQuery, type Kysely } from "kysely";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from "rate-limiter-flexible";

import type { RateLimit } from "../providers/provider.js";
import type { Store } from "../store/database.js";
import type { Database } from "../store/schema.js";
import { CoalescedLimiter } from "./coalesced-limiter.js";

/** The outcome of {@link SourceRateLimits.consume}. */
export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Created by migration 0002 with the columns RateLimiterPostgres expects. */
const TABLE = "inbound_rate_limits";

/**
 * Per-source rate limits over several windows at once (Careem: 200 per 10 s, 1,000 per minute,
 * 10,000 per hour, 100,000 per day). A request consumes a point in every window and is refused
 * when any window is exhausted; refused requests count too, so a sender that keeps hammering
 * stays limited.
 *
 * On SQLite (one process) counters live in memory. On PostgreSQL they live in a table shared by
 * every instance, so N API processes behind a load balancer enforce one limit, not N. Each
 * instance also remembers a window it saw exhausted until that window ends
 * (`inMemoryBlockOnConsumed`), so a flood is refused without a database round trip, and counts
 * the requests of one event-loop turn with one update ({@link CoalescedLimiter}).
 *
 * @example
 * const verdict = await limits.consume(source.id, [{ points: 200, durationSeconds: 10 }]);
 * if (!verdict.ok) reply.header("retry-after", String(verdict.retryAfterSeconds)).code(429);
 */
export class SourceRateLimits {
  /** One limiter per distinct (points, duration); the source id is the key inside it. */
  private readonly limiters = new Map<string, CoalescedLimiter>();

  constructor(private readonly store: Pick<Store, "db" | "dialect">) {}

  async consume(sourceId: string, limits: readonly RateLimit[]): Promise<RateLimitVerdict> {
    if (limits.length === 0) return { ok: true };
    const results = await Promise.allSettled(limits.map((limit) => this.limiter(limit).consume(sourceId)));
    let refused = false;
    let waitMs = 0;
    for (const result of results) {
      if (result.status === "fulfilled") continue;
      // The library rejects with a RateLimiterRes when the window is exhausted and with an
      // Error when the store failed; the latter is the caller's 503, not a 429.
      if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
      refused = true;
      waitMs = Math.max(waitMs, result.reason.msBeforeNext);
    }
    if (!refused) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  private limiter({ points, durationSeconds }: RateLimit): CoalescedLimiter {
    const keyPrefix = `inbound:${points}:${durationSeconds}`;
    let limiter = this.limiters.get(keyPrefix);
    if (!limiter) {
      const store: RateLimiterAbstract =
        this.store.dialect === "postgres"
          ? new RateLimiterPostgres({
              storeClient: pgClient(this.store.db),
              // "client" makes the library call `query` on our object for every statement
              // instead of checking out pool connections itself.
              storeType: "client",
              tableName: TABLE,
              tableCreated: true,
              keyPrefix,
              points,
              duration: durationSeconds,
              inMemoryBlockOnConsumed: points + 1,
            })
          : new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
      limiter = new CoalescedLimiter(store, points);
      this.limiters.set(keyPrefix, limiter);
    }
    return limiter;
  }
}

/**
 * The node-postgres client surface RateLimiterPostgres uses (`query({ text, values })` →
 * `{ rows, rowCount }`), served by Kysely so the limiter shares the store's pool, its search
 * path and its int8 parsing instead of opening connections of its own.
 */
function pgClient(db: Kysely<Database>) {
  return {
    async query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }> {
      const result = await db.executeQuery(CompiledQuery.raw(q.text, q.values ?? []));
      const affected = result.numAffectedRows === undefined ? 0 : Number(result.numAffectedRows);
      return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : affected };
    },
  };
}
