import type { Config } from "../config/config.js";
import type { AttemptOutcome } from "../delivery/attempt.js";

export type RetryConfig = Pick<Config, "retryJitter" | "slowDownMinSeconds" | "retryAfterMaxSeconds"> & {
  /** Seconds to wait after attempt 1, 2, …: the delivery's own schedule (see {@link pickRetrySchedule}). */
  retrySchedule: readonly number[];
};

export type RetryOutcome = Pick<AttemptOutcome, "kind" | "statusCode" | "retryAfterSeconds" | "gone">;

// Responses that say "you are going too fast" rather than "this failed": waiting the normal
// interval would just hit the same wall, so these back off harder.
const SLOW_DOWN_STATUSES = new Set([429, 502, 503, 504]);

/**
 * How long to wait before the next attempt after `attemptsMade` attempts, the last of which
 * failed with `outcome`; null when retries are exhausted (or the receiver answered 410 Gone,
 * which no retry will change).
 *
 * The wait is `retrySchedule[attemptsMade - 1]` seconds (Svix's default gives 8 attempts over
 * about 27 hours), doubled and at least `slowDownMinSeconds` for 429/502/503/504 and
 * timeouts, then spread by ±`retryJitter` so deliveries that failed together do not all come
 * back in the same instant. A `Retry-After` replaces the wait, but never makes it shorter than
 * the schedule nor longer than `retryAfterMaxSeconds`; its jitter only ever adds time.
 *
 * @example nextAttemptDelayMs(1, { kind: "http_error", statusCode: 500, gone: false }, config) // ≈ 5000 (±20%)
 */
export function nextAttemptDelayMs(
  attemptsMade: number,
  outcome: RetryOutcome,
  config: RetryConfig,
  random: () => number = Math.random,
): number | null {
  if (outcome.kind === "success" || outcome.gone) return null;
  const scheduled = config.retrySchedule[attemptsMade - 1];
  if (scheduled === undefined) return null;

  if (outcome.retryAfterSeconds !== undefined) {
    const wanted = Math.min(outcome.retryAfterSeconds, config.retryAfterMaxSeconds);
    const seconds = Math.max(scheduled, wanted);
    return Math.round(seconds * 1000 * (1 + random() * config.retryJitter));
  }

  const slowDown = outcome.kind === "timeout" || SLOW_DOWN_STATUSES.has(outcome.statusCode);
  const seconds = slowDown ? Math.max(2 * scheduled, config.slowDownMinSeconds) : scheduled;
  return Math.round(seconds * 1000 * (1 + (2 * random() - 1) * config.retryJitter));
}

/** The retry schedules that may apply to one delivery, most specific first; null or undefined = not set. */
export interface ScheduleLevels {
  endpoint: readonly number[] | null | undefined;
  eventType: readonly number[] | null | undefined;
  application: readonly number[] | null | undefined;
}

/**
 * The retry schedule of a delivery: its endpoint's, else its event type's, else its
 * application's, else the server's (`HOOKRELAY_RETRY_SCHEDULE`). The most specific level that
 * is set wins outright, an empty schedule (no retries) included; levels are never merged.
 *
 * @example pickRetrySchedule({ endpoint: null, eventType: [1, 60], application: [5] }, [5, 300]) // [1, 60]
 */
export function pickRetrySchedule(levels: ScheduleLevels, fallback: readonly number[]): readonly number[] {
  return levels.endpoint ?? levels.eventType ?? levels.application ?? fallback;
}
