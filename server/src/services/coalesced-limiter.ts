import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";

/**
 * One window of a rate limit whose `consume` calls made in the same turn of the event loop for
 * the same key are counted with one call to the store (`consume(key, n)`). On PostgreSQL every
 * call is an update of the key's one counter row, and under load the calls queued on that row's
 * lock, holding pool connections the message writes needed.
 *
 * The verdicts are those of n calls made one after another: the calls are numbered in arrival
 * order, those still within the window's points pass, and the rest are refused. Refused calls
 * count, as they do one by one.
 *
 * @example const window = new CoalescedLimiter(new RateLimiterMemory({ points: 3, duration: 10 }), 3);
 * await window.consume("src_1"); // rejects with RateLimiterRes once the window is exhausted
 */
export class CoalescedLimiter {
  private pending = new Map<string, { resolve: () => void; reject: (reason: unknown) => void }[]>();
  private scheduled = false;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {}

  /** Resolves when the call is within the limit; rejects with RateLimiterRes when not, or the store's Error. */
  consume(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    for (const [key, waiters] of batch) {
      const n = waiters.length;
      this.limiter.consume(key, n).then(
        () => {
          for (const w of waiters) w.resolve();
        },
        (reason: unknown) => {
          if (!(reason instanceof RateLimiterRes)) {
            for (const w of waiters) w.reject(reason);
            return;
          }
          // consumedPoints is the window's count including these n. It is 0 when the key was
          // refused from the in-memory block without counting: then none of them passes.
          const before = reason.consumedPoints - n;
          const allowed = reason.consumedPoints >= n ? Math.max(0, Math.min(n, this.points - before)) : 0;
          waiters.forEach((w, i) => (i < allowed ? w.resolve() : w.reject(reason)));
        },
      );
    }
  }
}
