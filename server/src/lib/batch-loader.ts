/**
 * Coalesces lookups by key: every `load` made during one turn of the event loop is answered by
 * a single `loadMany` call (the DataLoader pattern). On the ingest path each request's lookup
 * was a round trip of its own to the database, queued behind the others on SQLite's single
 * connection; a burst of 64 requests now costs one query.
 *
 * @example
 * const loader = new BatchLoader<string, Row>((keys) => repo.findMany(keys));
 * const row = await loader.load("key"); // undefined when loadMany's map has no entry for it
 */
export class BatchLoader<K, V> {
  private pending: { key: K; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    /** Most keys per `loadMany` call; a larger turn is split (bounded query size). */
    private readonly maxBatch = 500,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      // setImmediate runs after the I/O callbacks of this turn: every request parsed in it joins.
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private flush(): void {
    const waiting = this.pending;
    this.pending = [];
    for (let i = 0; i < waiting.length; i += this.maxBatch) {
      const chunk = waiting.slice(i, i + this.maxBatch);
      this.loadMany([...new Set(chunk.map((w) => w.key))]).then(
        (found) => {
          for (const w of chunk) w.resolve(found.get(w.key));
        },
        (error: unknown) => {
          for (const w of chunk) w.reject(error);
        },
      );
    }
  }
}
