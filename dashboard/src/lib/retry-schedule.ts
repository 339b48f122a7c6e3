const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Longest wait the server accepts (contract/retry-schedules.ts): a week. */
const MAX_SECONDS = 7 * 86_400;
/** Most waits the server accepts. */
const MAX_ENTRIES = 20;

/**
 * Reads a schedule typed as waits separated by commas or spaces, each whole seconds or with a
 * unit (`s`, `m`, `h`, `d`): the seconds, or why it cannot be saved. Empty input is refused;
 * "no retries" and "inherit" are choices of their own, not an empty list typed by accident.
 *
 * @example parseRetrySchedule("5, 5m, 1h") // { seconds: [5, 300, 3600] }
 */
export function parseRetrySchedule(text: string): { seconds: number[] } | { error: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { error: "Enter at least one wait, e.g. 5, 5m, 30m, 2h" };
  if (parts.length > MAX_ENTRIES) return { error: `At most ${MAX_ENTRIES} retries` };
  const seconds: number[] = [];
  for (const part of parts) {
    const match = /^(\d+)([smhd]?)$/i.exec(part);
    if (!match)
      return { error: `"${part}" is not a whole number of seconds, minutes (m), hours (h) or days (d)` };
    const value = Number(match[1]) * UNITS[(match[2] || "s").toLowerCase()]!;
    if (value < 1 || value > MAX_SECONDS) return { error: `"${part}" must be between 1 second and 7 days` };
    seconds.push(value);
  }
  return { seconds };
}

/**
 * A schedule as people read it, in the largest unit that divides each wait.
 *
 * @example formatRetrySchedule([5, 300, 7200]) // "5s, 5m, 2h"
 */
export function formatRetrySchedule(seconds: readonly number[]): string {
  return seconds
    .map((s) => {
      for (const unit of ["d", "h", "m"] as const)
        if (s % UNITS[unit]! === 0) return `${s / UNITS[unit]!}${unit}`;
      return `${s}s`;
    })
    .join(", ");
}
