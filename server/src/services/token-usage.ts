import type { TokensRepository } from "../store/tokens-repository.js";

interface Pending {
  count: number;
  at: number;
  ip: string;
}

/**
 * Last-used time, address and request count of each token, accumulated in memory and written
 * once per `flushMs` per token that was used. Message ingest authenticates every request, so a
 * write per request would double the writes of the hot path; this costs one UPDATE per active
 * token every few seconds. A crash loses at most the last window's counts (usage is
 * informational, never a security decision).
 *
 * @example usage.record(principal.tokenId, request.ip); … await usage.flush();
 */
export class TokenUsage {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly tokens: TokensRepository,
    private readonly flushMs: number,
  ) {}

  record(tokenId: string, ip: string, at = Date.now()): void {
    const entry = this.pending.get(tokenId);
    if (entry) {
      entry.count++;
      entry.at = at;
      entry.ip = ip;
    } else {
      this.pending.set(tokenId, { count: 1, at, ip });
    }
    // Armed only while something waits to be written, so an idle server has no timer.
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what has accumulated; a failed write puts its counts back for the next window. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const run = this.flushing.then(async () => {
      for (const [id, usage] of batch) {
        try {
          await this.tokens.recordUsage(id, usage.count, usage.at, usage.ip);
        } catch {
          const later = this.pending.get(id);
          if (later) later.count += usage.count;
          else this.pending.set(id, usage);
        }
      }
    });
    this.flushing = run;
    await run;
  }
}
