/**
 * When this process's delivery worker last finished a claim round (a claim query that answered,
 * empty or not). The worker beats it; the health report reads it. One per process, made by the
 * composition root only when a worker runs here.
 *
 * @example const hb = new Heartbeat(); hb.beat(); hb.lastAt // Date.now()
 */
export class Heartbeat {
  /** When the worker started: a worker that never completed a round is judged from here. */
  readonly since: number;
  private last: number | undefined;

  constructor(now: number = Date.now()) {
    this.since = now;
  }

  beat(at: number = Date.now()): void {
    this.last = at;
  }

  /** The last completed claim round, or undefined before the first. */
  get lastAt(): number | undefined {
    return this.last;
  }
}
