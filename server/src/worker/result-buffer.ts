import type { Logger } from "pino";

import type { CircuitChange, DeliveryResult } from "../store/deliveries-repository.js";
import { FailureRun } from "./failure-run.js";
import type { DeliveryQueue } from "./ports.js";

// Results are written together: a flush happens once this many are waiting or FLUSH_DELAY_MS
// after the first one, whichever is sooner. Meanwhile a write in progress lets the next batch
// grow, so under load batches get larger by themselves. Every flush is a commit (an fsync on
// SQLite, which blocks the event loop): at 2 ms a trickle of results meant hundreds of commits
// a second and ~850 µs of CPU per delivery; at 25 ms batches are larger and commits rarer.
// Nothing waits on these writes: a result lost in a crash only means the delivery is sent
// again when its lease expires (at-least-once).
const FLUSH_DELAY_MS = 25;

// While the database is unreachable, result writes are retried with exponential backoff from
// RETRY_WRITE_MIN_MS up to MAX_BACKOFF_MS.
const MAX_BACKOFF_MS = 5_000;
const RETRY_WRITE_MIN_MS = 250;
// A result is kept for another write attempt only while its lease has at least this long to run:
// past that the row is about to be re-claimed and sent again anyway.
const LEASE_SAFETY_MS = 1_000;
// How often a continuing run of database failures is logged again.
const FAILURE_LOG_INTERVAL_MS = 30_000;

/** What a {@link ResultBuffer} writes to and reports to. */
export interface ResultBufferOptions {
  queue: Pick<DeliveryQueue, "recordResults">;
  /** A flush starts at once when this many results wait (`workerBatchSize`). */
  batchSize: number;
  logger?: Logger | undefined;
  /** Called with the number of results whose write failed (each may be tried again). */
  onWriteErrors?: (count: number) => void;
  /** Called with the circuit transitions committed by a write. */
  onCircuitChanges?: (changes: CircuitChange[]) => void;
  /**
   * Called with the results of each batch once their transaction committed: for operational
   * webhooks, and because their leases no longer count as in flight (a capped endpoint frees up).
   */
  onWritten?: (results: DeliveryResult[]) => void;
}

/**
 * The worker's outcomes on their way to the queue, written in batches: one transaction per
 * batch instead of per delivery is what lets SQLite keep up with loopback receivers (one fsync
 * per delivery caps it near 4.5k/s).
 *
 * It also tracks the leases the worker holds without a written result. Results that could not
 * be written are kept and written again, with backoff, for as long as their leases last, so
 * deliveries in flight during a short outage are recorded once, not sent a second time when
 * their leases expire.
 *
 * @example
 * const results = new ResultBuffer({ queue, batchSize: config.workerBatchSize, logger });
 * results.lease(claimed.delivery.id, leaseExpiry);
 * results.add(decision.result);
 * const stranded = await results.close(); // at shutdown: ids still leased, to release
 */
export class ResultBuffer {
  /** Ids the worker holds a lease on and has not written a result for, with the lease expiry. */
  private readonly leased = new Map<string, number>();
  private buffer: DeliveryResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Results whose write failed, waiting for the next try. */
  private retryBuffer: DeliveryResult[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private writeBackoffMs = RETRY_WRITE_MIN_MS;
  private readonly writeFailures = new FailureRun("recording delivery results", FAILURE_LOG_INTERVAL_MS);
  /** After close, late results are dropped: their rows get released instead. */
  private closed = false;
  /** The claim loop waits on these writes: see {@link expedite}. */
  private expedited = false;

  constructor(private readonly options: ResultBufferOptions) {}

  /** True once {@link close} has begun: results added now are dropped. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Notes a lease the worker now holds, until its result is written. */
  lease(deliveryId: string, expiresAt: number): void {
    this.leased.set(deliveryId, expiresAt);
  }

  /** Queues a result for the next batch (dropped after close). */
  add(result: DeliveryResult): void {
    if (this.closed) return;
    this.buffer.push(result);
    // While a write is running, results simply accumulate: it takes them all when it is done.
    if (this.flushing) return;
    if (this.buffer.length >= this.options.batchSize || this.expedited) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /**
   * The claim loop is waiting on these results: what it could claim belongs to endpoints at
   * their in-flight cap, and a slot frees only when its result is written. Until {@link relax},
   * results are written at once instead of after FLUSH_DELAY_MS (results arriving during a write
   * still share the next one). Waiting out the delay there held two capped endpoints to about
   * 1,700 deliveries/s on loopback (ADR 23).
   */
  expedite(): void {
    this.expedited = true;
    if (this.buffer.length > 0) void this.flush();
  }

  /** The loop has claimed again: results are batched with the delay as usual. */
  relax(): void {
    this.expedited = false;
  }

  /**
   * Stops taking results, makes one last try for those that failed to write and returns the ids
   * still leased without a written result, for the caller to release (with the database down,
   * they come back when their leases expire).
   */
  async close(): Promise<string[]> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.buffer.push(...this.retryBuffer.splice(0));
    await this.flush();
    this.retryBuffer = [];
    const stranded = [...this.leased.keys()];
    this.leased.clear();
    return stranded;
  }

  /** Writes until the buffer is empty; one writer at a time, each taking all that is buffered. */
  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing ??= (async () => {
      try {
        while (this.buffer.length > 0) await this.writeBuffered();
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private async writeBuffered(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    let failed: { result: DeliveryResult; error: unknown }[];
    try {
      const summary = await this.options.queue.recordResults(batch);
      failed = summary.errors;
      if (summary.circuitChanges.length > 0) this.options.onCircuitChanges?.(summary.circuitChanges);
    } catch (error) {
      failed = batch.map((result) => ({ result, error }));
    }
    const failedIds = new Set(failed.map((f) => f.result.deliveryId));
    for (const r of batch) if (!failedIds.has(r.deliveryId)) this.leased.delete(r.deliveryId);
    if (this.options.onWritten) {
      const written = failed.length === 0 ? batch : batch.filter((r) => !failedIds.has(r.deliveryId));
      if (written.length > 0) this.options.onWritten(written);
    }
    if (failed.length === 0) {
      this.writeBackoffMs = RETRY_WRITE_MIN_MS;
      this.writeFailures.succeeded(this.options.logger);
      return;
    }
    this.options.onWriteErrors?.(failed.length);
    this.writeFailures.failed(failed[0]!.error, this.options.logger, { count: failed.length });
    this.retryWrite(failed.map((f) => f.result));
  }

  /**
   * Keeps failed results for another write after a backoff, as long as their lease has time
   * left; the others are dropped and their rows come back when the lease expires (at-least-once).
   * Once closed nothing is retried: the caller releases whatever is still leased.
   */
  private retryWrite(results: DeliveryResult[]): void {
    if (this.closed) return;
    const keepUntil = Date.now() + this.writeBackoffMs + LEASE_SAFETY_MS;
    for (const r of results) {
      const leaseExpiry = this.leased.get(r.deliveryId);
      if (leaseExpiry !== undefined && leaseExpiry > keepUntil) this.retryBuffer.push(r);
      else this.leased.delete(r.deliveryId);
    }
    if (this.retryBuffer.length === 0 || this.retryTimer) return;
    const delay = this.writeBackoffMs;
    this.writeBackoffMs = Math.min(MAX_BACKOFF_MS, this.writeBackoffMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.buffer.push(...this.retryBuffer.splice(0));
      void this.flush();
    }, delay);
  }
}
