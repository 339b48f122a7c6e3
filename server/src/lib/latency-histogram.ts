/**
 * Upper bounds (ms, exclusive) of the latency buckets the hourly counters keep; a last,
 * unbounded bucket holds the rest. Chosen around what receivers answer in: a few ms on a
 * LAN, tens to hundreds across the internet, seconds when they struggle.
 */
export const LATENCY_BOUNDS_MS = [10, 50, 100, 250, 500, 1000, 5000] as const;

/** Number of buckets: one per bound plus the unbounded one. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/**
 * The bucket a response time falls in.
 *
 * @example latencyBucket(7) // 0; latencyBucket(10) // 1; latencyBucket(60_000) // 7
 */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms < bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/** Bucket counts plus the largest value seen, which bounds the last bucket. */
export interface LatencyHistogram {
  counts: number[];
  maxMs: number;
}

export function emptyHistogram(): LatencyHistogram {
  return { counts: new Array<number>(LATENCY_BUCKETS).fill(0), maxMs: 0 };
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function mergeHistogram(into: LatencyHistogram, from: LatencyHistogram): LatencyHistogram {
  for (let i = 0; i < LATENCY_BUCKETS; i++) into.counts[i] = (into.counts[i] ?? 0) + (from.counts[i] ?? 0);
  into.maxMs = Math.max(into.maxMs, from.maxMs);
  return into;
}

/**
 * The `q` quantile estimated from a histogram, interpolating linearly inside the bucket that
 * holds it (as Prometheus' histogram_quantile does), never above the largest value seen;
 * rounded to whole ms. Null for an empty histogram.
 *
 * @example histogramQuantile({ counts: [0, 4, 0, 0, 0, 0, 0, 0], maxMs: 40 }, 0.5) // 25
 */
export function histogramQuantile(h: LatencyHistogram, q: number): number | null {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    const n = h.counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = Math.min(LATENCY_BOUNDS_MS[i] ?? h.maxMs, Math.max(h.maxMs, lower));
      const value = lower + (upper - lower) * ((rank - below) / n);
      return Math.round(Math.min(value, h.maxMs));
    }
    below += n;
  }
  return Math.round(h.maxMs);
}
