/**
 * A level-triggered "there is new work" signal between the API and a worker in the same
 * process, so a fresh message is picked up at once instead of at the next poll. Across
 * processes the worker's poll interval (or PostgreSQL NOTIFY) does the same job.
 *
 * Several loops may wait on one signal (the worker's fan-out and its delivery loop): each takes
 * its own {@link listener}, which remembers a notify it missed while busy. `wait` on the signal
 * itself is its first listener's.
 */
export class Wakeup {
  private readonly listeners: WakeupListener[] = [];
  private readonly own = this.listener();

  /** Signals every listener; each remembers it if it is not waiting yet. */
  notify(): void {
    for (const l of this.listeners) l.notify();
  }

  /** Resolves on the next notify (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number): Promise<void> {
    return this.own.wait(ms);
  }

  /** A listener of its own: a loop that waits on it sees every notify, whoever else waits. */
  listener(): WakeupListener {
    const listener = new WakeupListener();
    this.listeners.push(listener);
    return listener;
  }
}

/** One waiter's view of a {@link Wakeup}. @example await wakeup.listener().wait(250) */
export class WakeupListener {
  private waiters: (() => void)[] = [];
  private pending = false;

  notify(): void {
    this.pending = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

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
