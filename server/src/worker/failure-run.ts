import type { Logger } from "pino";

/**
 * A run of consecutive failures of one kind: logged as an error when it starts, again every
 * `logEveryMs` while it lasts, and once more (info) when it ends, so a database outage costs a
 * few log lines instead of one per poll.
 *
 * @example
 * const claims = new FailureRun("claiming deliveries", 30_000);
 * try { await claim(); claims.succeeded(logger); } catch (err) { backoff(claims.failed(err, logger)); }
 */
export class FailureRun {
  private count = 0;
  private startedAt = 0;
  private loggedAt = 0;

  constructor(
    private readonly what: string,
    private readonly logEveryMs: number,
  ) {}

  /** Records a failure; returns how many in a row so far. */
  failed(error: unknown, logger: Logger | undefined, extra: Record<string, unknown> = {}): number {
    const now = Date.now();
    this.count++;
    if (this.count === 1) {
      this.startedAt = now;
      this.loggedAt = now;
      logger?.error({ err: error, ...extra }, `${this.what} failed; retrying with backoff`);
    } else if (now - this.loggedAt >= this.logEveryMs) {
      this.loggedAt = now;
      logger?.error(
        { err: error, failures: this.count, sinceMs: now - this.startedAt, ...extra },
        `${this.what} still failing`,
      );
    }
    return this.count;
  }

  /** Ends the run, if there is one, with a line saying how long it lasted. */
  succeeded(logger: Logger | undefined): void {
    if (this.count === 0) return;
    logger?.info({ failures: this.count, afterMs: Date.now() - this.startedAt }, `${this.what} works again`);
    this.count = 0;
  }
}
