/**
 * A small map whose entries expire after `ttlMs`, bounded to `capacity` entries (oldest
 * dropped first). For hot lookups of rows that rarely change (applications on every message).
 *
 * @example const apps = new TtlCache<string, AppRow>(1000); apps.get("acme") ?? apps.set("acme", row)
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` until `now + ttlMs`, or until `until` when that comes sooner. */
  set(key: K, value: V, now = Date.now(), until = Infinity): V {
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, until: Math.min(now + this.ttlMs, until) });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
