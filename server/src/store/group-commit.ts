import { writeBatchOrEach } from "./batch-retry.js";

export interface GroupCommitOptions {
  /** How long the first request of a batch waits for company, in ms (0 = next tick). */
  maxWaitMs: number;
  /** A batch is written as soon as it has this many items. */
  maxBatch: number;
  /** Batches written at once: 1 for SQLite (one writer), a few for PostgreSQL. */
  concurrency: number;
}

/** Writes a batch in one transaction (all or nothing) and returns one result per item. */
type Handler<I, O> = (items: I[]) => Promise<O[]>;

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive within a millisecond or two share one transaction, so
 * the cost of a commit (an fsync on SQLite) is paid once per batch instead of once per
 * request. Measured here: one SQLite transaction per event ≈ 4.5k events/s, 100 per
 * transaction ≈ 33k/s. Every caller still gets its answer only after its batch committed.
 *
 * If a batch fails (say one item violates a unique constraint), the items are retried one per
 * transaction so a single bad item cannot fail its neighbours.
 *
 * @example
 * const writer = new GroupCommit({ maxWaitMs: 1, maxBatch: 500, concurrency: 1 },
 *   async (rows) => { await store.atomic(insertQueries("sqlite", "messages", MESSAGE_COLUMNS, rows)); return rows.map(() => true); });
 * await writer.submit(row);
 */
export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;

  constructor(
    private readonly options: GroupCommitOptions,
    private readonly handler: Handler<I, O>,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running > 0) {
      this.flushSoon(0);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch) this.flushSoon(0);
    else this.flushSoon(this.options.maxWaitMs);
  }

  private flushSoon(ms: number): void {
    if (this.running >= this.options.concurrency) return; // the running flush picks the queue up
    if (ms === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0 || this.running >= this.options.concurrency) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running++;
    try {
      await this.write(batch);
    } finally {
      this.running--;
      // Requests that arrived while this batch was being written form the next one at once:
      // under load batches grow by themselves without any added wait.
      if (this.queue.length > 0) this.flushSoon(0);
    }
  }

  private async write(batch: Pending<I, O>[]): Promise<void> {
    // One by one only when an item was at fault, never with the database down (see writeBatchOrEach).
    const outcomes = await writeBatchOrEach(
      batch.map((p) => p.item),
      (items) => this.handler(items),
      async (item) => (await this.handler([item]))[0] as O,
    );
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
