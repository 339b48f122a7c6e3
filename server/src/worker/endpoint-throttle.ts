/**
 * Per-endpoint rate limit (`throttle_rate` deliveries per second) as a token bucket holding one
 * second's worth of tokens. A delivery over the limit is handed back to the queue rather than
 * held in memory; deliveries handed back in a burst get successive slots one interval apart,
 * so they return spread out instead of all at once only to be handed back again.
 *
 * @example
 * const throttle = new EndpointThrottle();
 * const retryAt = throttle.admit("ep_1", 5, Date.now()); // undefined: send now
 */
export class EndpointThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number; queuedUntil: number }>();

  /** Undefined when the delivery may go now; otherwise when to try it again (ms). */
  admit(endpointId: string, perSecond: number, now: number): number | undefined {
    const capacity = Math.max(1, perSecond);
    const interval = 1000 / perSecond;
    let bucket = this.buckets.get(endpointId);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.prune(now);
      bucket = { tokens: capacity, at: now, queuedUntil: now };
      this.buckets.set(endpointId, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const nextToken = now + Math.ceil((1 - bucket.tokens) * interval);
    const slot = Math.max(nextToken, bucket.queuedUntil);
    bucket.queuedUntil = slot + interval;
    return Math.ceil(slot);
  }

  /** Drops buckets that have refilled completely: they hold no state worth keeping. */
  private prune(now: number): void {
    for (const [id, b] of this.buckets)
      if (now - b.at > 60_000 && b.queuedUntil < now) this.buckets.delete(id);
  }
}
