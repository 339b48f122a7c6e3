import { describe, expect, it } from "vitest";

import { loadConfig } from "../config/config.js";
import { nextAttemptDelayMs, type RetryConfig, type RetryOutcome } from "./retry-policy.js";

const config: RetryConfig = {
  retrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000],
  retryJitter: 0.2,
  slowDownMinSeconds: 30,
  retryAfterMaxSeconds: 3600,
};
const noJitter = { ...config, retryJitter: 0 };

const fail = (statusCode = 500, extra: Partial<RetryOutcome> = {}): RetryOutcome => ({
  kind: "http_error",
  statusCode,
  gone: false,
  ...extra,
});
const middle = () => 0.5; // 2×0.5−1 = 0: no jitter either way

describe("nextAttemptDelayMs", () => {
  it("uses the config defaults Svix documents", () => {
    const defaults = loadConfig({});
    expect(defaults.retrySchedule).toEqual(config.retrySchedule);
    expect(nextAttemptDelayMs(1, fail(), defaults, middle)).toBe(5_000);
  });

  it.each([
    [1, 5_000],
    [2, 300_000],
    [3, 1_800_000],
    [4, 7_200_000],
    [5, 18_000_000],
    [6, 36_000_000],
    [7, 36_000_000],
  ])("after attempt %i waits %i ms", (attempts, ms) => {
    expect(nextAttemptDelayMs(attempts, fail(), config, middle)).toBe(ms);
  });

  it("is exhausted once every scheduled retry was used", () => {
    expect(nextAttemptDelayMs(8, fail(), config, middle)).toBeNull();
    expect(nextAttemptDelayMs(100, fail(), config, middle)).toBeNull();
    expect(nextAttemptDelayMs(2, fail(), { ...config, retrySchedule: [1] }, middle)).toBeNull();
    expect(nextAttemptDelayMs(1, fail(), { ...config, retrySchedule: [] }, middle)).toBeNull();
  });

  it("does not retry a 410 Gone or a success", () => {
    expect(nextAttemptDelayMs(1, fail(410, { gone: true }), config, middle)).toBeNull();
    expect(
      nextAttemptDelayMs(1, { kind: "success", statusCode: 200, gone: false }, config, middle),
    ).toBeNull();
  });

  it("spreads the wait by ±jitter", () => {
    expect(nextAttemptDelayMs(2, fail(), config, () => 0)).toBe(240_000);
    expect(nextAttemptDelayMs(2, fail(), config, () => 0.999_999)).toBe(360_000);
    const samples = Array.from({ length: 1000 }, () => nextAttemptDelayMs(2, fail(), config)!);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(240_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(360_000);
    expect(new Set(samples).size).toBeGreaterThan(100);
  });

  it.each([429, 502, 503, 504])(
    "slows down on %i: twice the schedule, at least slowDownMinSeconds",
    (code) => {
      expect(nextAttemptDelayMs(1, fail(code), noJitter)).toBe(30_000); // max(2×5, 30)
      expect(nextAttemptDelayMs(2, fail(code), noJitter)).toBe(600_000); // max(2×300, 30)
    },
  );

  it("slows down on a timeout", () => {
    const timeout: RetryOutcome = { kind: "timeout", statusCode: 0, gone: false };
    expect(nextAttemptDelayMs(1, timeout, noJitter)).toBe(30_000);
    expect(nextAttemptDelayMs(3, timeout, noJitter)).toBe(3_600_000);
  });

  it("does not slow down on other failures", () => {
    for (const outcome of [
      fail(500),
      fail(404),
      fail(302),
      { kind: "network_error", statusCode: 0, gone: false } as const,
      { kind: "ssrf_refused", statusCode: 0, gone: false } as const,
    ]) {
      expect(nextAttemptDelayMs(1, outcome, noJitter)).toBe(5_000);
    }
  });

  it("honours Retry-After, clamped between the schedule and retryAfterMaxSeconds", () => {
    expect(nextAttemptDelayMs(1, fail(429, { retryAfterSeconds: 120 }), noJitter)).toBe(120_000);
    // Shorter than the schedule: the schedule wins.
    expect(nextAttemptDelayMs(2, fail(429, { retryAfterSeconds: 10 }), noJitter)).toBe(300_000);
    // Longer than the cap: the cap wins.
    expect(nextAttemptDelayMs(1, fail(503, { retryAfterSeconds: 86_400 }), noJitter)).toBe(3_600_000);
    // A scheduled wait beyond the cap is not shortened by a Retry-After.
    expect(nextAttemptDelayMs(6, fail(429, { retryAfterSeconds: 60 }), noJitter)).toBe(36_000_000);
    // It replaces the slow-down doubling, in either direction.
    expect(nextAttemptDelayMs(1, fail(429, { retryAfterSeconds: 7 }), noJitter)).toBe(7_000);
  });

  it("only ever adds jitter to a Retry-After", () => {
    const outcome = fail(429, { retryAfterSeconds: 100 });
    expect(nextAttemptDelayMs(1, outcome, config, () => 0)).toBe(100_000);
    expect(nextAttemptDelayMs(1, outcome, config, () => 0.5)).toBe(110_000);
  });

  it("works with a short test schedule and no slow-down floor", () => {
    const fast = loadConfig({}, { retrySchedule: "1,1", slowDownMinSeconds: 0 });
    expect(nextAttemptDelayMs(1, fail(), fast, middle)).toBe(1_000);
    expect(nextAttemptDelayMs(2, fail(503), fast, middle)).toBe(2_000);
    expect(nextAttemptDelayMs(3, fail(), fast, middle)).toBeNull();
  });
});
