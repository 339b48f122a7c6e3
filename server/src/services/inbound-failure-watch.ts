import type { SourceRow } from "../store/schema.js";

/**
 * What the watch reports when a source reaches the threshold.
 *
 * @example { source, consecutiveFailures: 10, failSince: 1767225600000, lastReason: "signature mismatch" }
 */
export interface SourceFailing {
  source: SourceRow;
  consecutiveFailures: number;
  /** When the first failure of the run arrived (ms). */
  failSince: number;
  lastReason: string;
}

interface Run {
  count: number;
  since: number;
  last: number;
  reported: boolean;
}

/** Sources tracked at once; past this the oldest runs are forgotten (a flood of bad source ids costs bounded memory). */
const MAX_TRACKED = 10_000;

/**
 * Counts inbound verification failures per source and calls `onFailing` once when a source has
 * failed `threshold` times in a row, each failure within `windowMs` of the previous one. A
 * verified call, or a gap longer than the window, starts the count again, and a new run can be
 * reported again. The count is kept in this process: with several API instances behind a load
 * balancer each counts the calls it receives.
 *
 * @example
 * const watch = new InboundFailureWatch({ threshold: 10, windowMs: 3_600_000, onFailing: (f) => void events.sourceFailing(f) });
 * watch.failed(source.row, "signature mismatch", Date.now());
 */
export class InboundFailureWatch {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly options: { threshold: number; windowMs: number; onFailing: (failing: SourceFailing) => void },
  ) {}

  /** A call to `source` failed verification at `at`. */
  failed(source: SourceRow, reason: string, at: number): void {
    let run = this.runs.get(source.id);
    if (!run || at - run.last > this.options.windowMs) {
      run = { count: 0, since: at, last: at, reported: false };
      if (this.runs.size >= MAX_TRACKED) this.runs.delete(this.runs.keys().next().value!);
      this.runs.set(source.id, run);
    }
    run.count++;
    run.last = at;
    if (!run.reported && run.count >= this.options.threshold) {
      run.reported = true;
      this.options.onFailing({ source, consecutiveFailures: run.count, failSince: run.since, lastReason: reason });
    }
  }

  /** A call to the source was verified: its run of failures is over. */
  verified(sourceId: string): void {
    this.runs.delete(sourceId);
  }
}
