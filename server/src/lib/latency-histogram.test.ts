import { describe, expect, it } from "vitest";

import { LATENCY_COLUMNS } from "../store/schema.js";
import {
  emptyHistogram,
  histogramQuantile,
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  latencyBucket,
  mergeHistogram,
} from "./latency-histogram.js";

describe("latency histogram", () => {
  it("has one stats_hourly column per bucket", () => {
    expect(LATENCY_COLUMNS).toHaveLength(LATENCY_BUCKETS);
    // lat_N is the bucket below N ms.
    LATENCY_BOUNDS_MS.forEach((bound, i) => expect(LATENCY_COLUMNS[i]).toBe(`lat_${bound}`));
  });

  it("puts a value in the bucket whose bound is above it", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(9)).toBe(0);
    expect(latencyBucket(10)).toBe(1);
    expect(latencyBucket(4_999)).toBe(6);
    expect(latencyBucket(5_000)).toBe(7);
    expect(latencyBucket(60_000)).toBe(7);
  });

  it("interpolates quantiles inside the bucket and never exceeds the maximum", () => {
    const h = emptyHistogram();
    expect(histogramQuantile(h, 0.5)).toBeNull();
    h.counts[1] = 4; // 10–50 ms
    h.maxMs = 40;
    expect(histogramQuantile(h, 0.5)).toBe(25);
    expect(histogramQuantile(h, 1)).toBe(40);
    h.counts[7] = 1; // one slow outlier
    h.maxMs = 9_000;
    // The bucket now spans its full 10–50 ms: rank 2.5 of 4 → 35.
    expect(histogramQuantile(h, 0.5)).toBe(35);
    expect(histogramQuantile(h, 0.99)).toBeGreaterThan(5_000);
    expect(histogramQuantile(h, 0.99)).toBeLessThanOrEqual(9_000);
  });

  it("follows the exact percentile closely on a realistic spread", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 400);
    const h = emptyHistogram();
    for (const v of values) {
      h.counts[latencyBucket(v)]!++;
      h.maxMs = Math.max(h.maxMs, v);
    }
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(histogramQuantile(h, q)! - exact)).toBeLessThanOrEqual(10);
    }
  });

  it("merges counts and keeps the larger maximum", () => {
    const a = { counts: [1, 0, 0, 0, 0, 0, 0, 0], maxMs: 3 };
    const b = { counts: [0, 2, 0, 0, 0, 0, 0, 1], maxMs: 6_000 };
    expect(mergeHistogram(a, b)).toEqual({ counts: [1, 2, 0, 0, 0, 0, 0, 1], maxMs: 6_000 });
  });
});
