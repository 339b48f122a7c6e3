/**
 * A level-triggered "there is new work" signal between the API and a worker in the same
 * process, so a fresh message is picked up at once instead of at the next poll. Across
 * processes the worker's poll interval (or PostgreSQL NOTIFY) does the same job.
 */
export class Wakeup {
  private waiters: (() => void)[] = [];
  private pending = false;

  /** Signals waiting workers; remembered if nobody is waiting yet. */
  notify(): void {
    this.pending = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next notify (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(() => {
        this.pending = false;
        done();
      });
    });
  }
}
