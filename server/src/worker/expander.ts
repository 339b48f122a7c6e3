import type { Logger } from "pino";

import type { Metrics } from "../lib/metrics.js";
import type { Wakeup, WakeupListener } from "../lib/wakeup.js";
import type { ExpandResult } from "../store/deliveries-repository.js";
import { FailureRun } from "./failure-run.js";
import type { DeliveryQueue } from "./ports.js";

/** Messages claimed per expansion round. */
export const EXPAND_BATCH = 500;
const MAX_BACKOFF_MS = 5_000;
const FAILURE_LOG_INTERVAL_MS = 30_000;

export interface MessageExpanderOptions {
  queue: Required<Pick<DeliveryQueue, "expand">>;
  owner: string;
  /** The lease on claimed messages: a crashed worker's batch is claimed again after it. */
  leaseMs: number;
  pollMs: number;
  /** Woken by the API on every commit; notified here once deliveries exist, for the delivery loop. */
  wakeup: Wakeup;
  batchSize?: number;
  logger?: Logger | undefined;
  metrics?: Pick<Metrics, "fanoutLag" | "messagesExpanded"> | undefined;
  /** Called after every round that expanded something (tests, bench). */
  onExpanded?: (result: ExpandResult) => void;
}

/**
 * The worker's fan-out loop (ADR 0022): turns committed messages into delivery rows, a batch at a
 * time, beside the delivery loop. While full batches come back it goes straight on; otherwise it
 * waits for the API's wakeup (in-process, or PostgreSQL NOTIFY) or the poll interval. After a
 * round that wrote deliveries it notifies the same wakeup, which wakes the delivery loop here and,
 * on PostgreSQL, the other instances' workers.
 *
 * @example const expander = new MessageExpander({ queue, owner, leaseMs, pollMs: 250, wakeup }); expander.start(); … await expander.stop();
 */
export class MessageExpander {
  /** Running totals since start. */
  readonly counters = { rounds: 0, messages: 0, deliveries: 0 };
  private readonly listener: WakeupListener;
  private readonly failures = new FailureRun("expanding messages", FAILURE_LOG_INTERVAL_MS);
  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopSignal!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.stopSignal = resolve));

  constructor(private readonly options: MessageExpanderOptions) {
    this.listener = options.wakeup.listener();
  }

  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /** Stops after the round in flight (whose transaction commits or not, as a whole). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { pollMs, batchSize = EXPAND_BATCH } = this.options;
    while (!this.stopping) {
      let result: ExpandResult;
      try {
        result = await this.options.queue.expand({
          owner: this.options.owner,
          now: Date.now(),
          leaseMs: this.options.leaseMs,
          limit: batchSize,
        });
      } catch (error) {
        const failures = this.failures.failed(error, this.options.logger);
        await this.idle(Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures - 1, 16)));
        continue;
      }
      this.failures.succeeded(this.options.logger);
      this.counters.rounds++;
      if (result.messages > 0) this.expanded(result);
      if (result.claimed < batchSize) await this.idle(pollMs);
    }
  }

  private expanded(result: ExpandResult): void {
    this.counters.messages += result.messages;
    this.counters.deliveries += result.deliveries;
    const metrics = this.options.metrics;
    if (metrics) {
      metrics.messagesExpanded.inc(result.messages);
      for (const lag of result.lagsMs) metrics.fanoutLag.observe(lag / 1000);
    }
    if (result.deliveries > 0) this.options.wakeup.notify();
    this.options.onExpanded?.(result);
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([this.listener.wait(ms), this.stopRequested]);
  }
}
