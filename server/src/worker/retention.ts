import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import { AuditRepository } from "../store/audit-repository.js";
import type { Store } from "../store/database.js";
import { RetentionRepository } from "../store/retention-repository.js";

const DAY_MS = 86_400_000;

export type RetentionConfig = Pick<
  Config,
  "retentionDays" | "retentionIntervalSeconds" | "retentionBatchSize" | "retentionPauseMs" | "auditRetentionDays"
>;

export interface RetentionOptions {
  store: Pick<Store, "db" | "dialect">;
  config: RetentionConfig;
  logger?: Logger | undefined;
  /** The clock, for tests. */
  now?: () => number;
}

/** Rows touched by one run. */
export interface RetentionSummary {
  payloads: number;
  attempts: number;
  deliveries: number;
  idempotencyKeys: number;
  /** Inbound log rows (with their re-process links). */
  inboundRequests: number;
  auditRows: number;
  /** Statements that failed (the run stops at the first; the next run starts over). */
  errors: number;
}

/**
 * Periodic retention, run by worker processes (roles `worker` and `all`) every
 * `retentionIntervalSeconds`:
 *
 * - message payloads past their `expires_at` become null (the message itself stays);
 * - attempts older than `retentionDays` are deleted;
 * - finished deliveries last changed more than `retentionDays` ago are deleted;
 * - expired idempotency records are deleted;
 * - inbound log rows received more than `retentionDays` ago are deleted;
 * - audit-log rows older than `auditRetentionDays` are deleted, oldest first, each batch
 *   recording a checkpoint (the last deleted row's hash) so the chain stays verifiable.
 *
 * Each step runs in batches of `retentionBatchSize` rows with `retentionPauseMs` between them,
 * so ingest and the delivery worker's writes get the database in between: a first run over a
 * large backlog takes longer, and never blocks anyone for long. The dashboard's day and week
 * figures come from the hourly counters, which retention leaves alone.
 *
 * Several worker instances may run it at once on PostgreSQL: their batches skip each other's
 * locked rows. A failing statement ends the run (logged); the next run starts over.
 *
 * @example
 * const retention = new RetentionJob({ store, config, logger });
 * retention.start();
 * …
 * await retention.stop();
 */
export class RetentionJob {
  private readonly repo: RetentionRepository;
  private readonly audit: AuditRepository;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionSummary> | undefined;
  private stopping = false;
  private wakePause: (() => void) | undefined;

  constructor(private readonly options: RetentionOptions) {
    this.repo = new RetentionRepository(options.store);
    this.audit = new AuditRepository(options.store.db);
    this.now = options.now ?? Date.now;
  }

  /**
   * Schedules runs every `retentionIntervalSeconds`. The first comes after a random part of
   * the first minute, so instances started together do not all begin at once.
   */
  start(): void {
    if (this.timer || this.stopping) return;
    const intervalMs = this.options.config.retentionIntervalSeconds * 1000;
    this.schedule(Math.min(intervalMs, 60_000) * (0.5 + Math.random() / 2));
  }

  /** Stops scheduling and waits for the current batch (not the whole run) to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wakePause?.();
    await this.running;
  }

  /** One run now (tests, CLI); joins the run in progress if there is one. */
  runOnce(): Promise<RetentionSummary> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().then(() => {
        if (!this.stopping) this.schedule(this.options.config.retentionIntervalSeconds * 1000);
      });
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<RetentionSummary> {
    const { retentionDays, retentionBatchSize: limit } = this.options.config;
    const summary: RetentionSummary = {
      payloads: 0,
      attempts: 0,
      deliveries: 0,
      idempotencyKeys: 0,
      inboundRequests: 0,
      auditRows: 0,
      errors: 0,
    };
    const started = this.now();
    const cutoff = started - retentionDays * DAY_MS;
    const auditCutoff = started - this.options.config.auditRetentionDays * DAY_MS;
    const steps: [keyof Omit<RetentionSummary, "errors">, () => Promise<number>][] = [
      ["payloads", () => this.repo.expirePayloads(this.now(), limit)],
      ["attempts", () => this.repo.deleteAttempts(cutoff, limit)],
      ["deliveries", () => this.repo.deleteFinishedDeliveries(cutoff, limit)],
      ["idempotencyKeys", () => this.repo.deleteExpiredIdempotencyKeys(this.now(), limit)],
      ["inboundRequests", () => this.repo.deleteInboundRequests(cutoff, limit)],
      ["auditRows", () => this.audit.deleteBefore(auditCutoff, limit, this.now())],
    ];
    try {
      for (const [name, step] of steps) {
        while (!this.stopping) {
          const n = await step();
          summary[name] += n;
          if (n < limit) break;
          await this.pause();
        }
      }
    } catch (error) {
      summary.errors++;
      this.options.logger?.error(
        { err: error, ...summary },
        "retention run failed; the next run starts over",
      );
      return summary;
    }
    const touched =
      summary.payloads +
      summary.attempts +
      summary.deliveries +
      summary.idempotencyKeys +
      summary.inboundRequests +
      summary.auditRows;
    if (touched > 0) {
      this.options.logger?.info({ ...summary, ms: this.now() - started }, "retention run finished");
    }
    return summary;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.config.retentionPauseMs);
      this.wakePause = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
