import { z } from "zod";

/** At most this many retries in a schedule (the server default has 7). */
export const RETRY_SCHEDULE_MAX_ENTRIES = 20;
/** The longest wait between two attempts: a week. */
export const RETRY_DELAY_MAX_SECONDS = 7 * 86_400;

const Seconds = z.number().int().min(1).max(RETRY_DELAY_MAX_SECONDS);

/**
 * One wait of a retry schedule: whole seconds, as a number or as Svix's `Duration`
 * (`{ secs, nanos }`, with `nanos` 0: the schedule is kept in whole seconds).
 */
const RetryDelay = z.union([
  Seconds.meta({ example: 60 }),
  z.strictObject({ secs: Seconds, nanos: z.literal(0).optional() }).transform((d) => d.secs),
]);

/**
 * PUT body of every `…/retry-schedule` route (Svix's `RetryScheduleInOut`): the waits before
 * attempts 2, 3, …; `null` (or absent) removes the schedule, so the next level decides;
 * `[]` means no retries at all.
 *
 * @example RetryScheduleIn.parse({ retrySchedule: [5, { secs: 300, nanos: 0 }] }).retrySchedule // [5, 300]
 */
export const RetryScheduleIn = z.strictObject({
  retrySchedule: z.array(RetryDelay).max(RETRY_SCHEDULE_MAX_ENTRIES).nullish(),
});
export type RetryScheduleIn = z.output<typeof RetryScheduleIn>;

/** Svix's `Duration`. @example { secs: 300, nanos: 0 } */
export const Duration = z.object({ secs: z.number().int(), nanos: z.number().int() });

/**
 * What every `…/retry-schedule` route answers (Svix's `RetryScheduleInOut`, waits as `Duration`s);
 * `retrySchedule` is null when this level sets none.
 *
 * @example { retrySchedule: [{ secs: 5, nanos: 0 }, { secs: 300, nanos: 0 }] }
 */
export const RetryScheduleOut = z.object({ retrySchedule: z.array(Duration).nullable() });
export type RetryScheduleOut = z.output<typeof RetryScheduleOut>;

/**
 * The API shape of a stored schedule (seconds).
 *
 * @example toRetryScheduleOut([5]) // { retrySchedule: [{ secs: 5, nanos: 0 }] }
 */
export function toRetryScheduleOut(seconds: readonly number[] | null): RetryScheduleOut {
  return { retrySchedule: seconds === null ? null : seconds.map((secs) => ({ secs, nanos: 0 })) };
}
