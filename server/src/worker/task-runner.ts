import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import type { Metrics } from "../lib/metrics.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { TaskRow } from "../store/schema.js";
import type { BackgroundTaskQueue } from "./ports.js";

export type TaskRunnerConfig = Pick<Config, "taskBatchSize" | "taskPauseMs" | "taskLeaseMs" | "taskPollMs" | "taskMaxLagMs">;

export interface TaskRunnerOptions {
  /** Where tasks are leased and run (a `TasksRepository`). */
  tasks: BackgroundTaskQueue;
  config: TaskRunnerConfig;
  /** The delivery worker's signal: rung after a batch queued deliveries, so they go out at once. */
  deliveryWakeup?: Wakeup | undefined;
  /** Rung by the API of this process when it starts a task; other processes' tasks are found by polling. */
  wakeup?: Wakeup | undefined;
  logger?: Logger | undefined;
  metrics?: Pick<Metrics, "taskBatches" | "taskMessages" | "taskProgress"> | undefined;
  /** Lease owner name; unique per runner. Defaults to host:pid:random. */
  owner?: string;
}

// A batch that fails (the database is away, a statement times out) is retried after this, by
// this runner or another; after this many failures in a row the task is marked failed.
const RETRY_AFTER_MS = 2_000;
const MAX_FAILURES = 5;
// While the delivery worker lags, a task waits before its next batch at most this long: live
// traffic goes first, but a saturated worker still lets a task advance a batch at a time.
const MAX_YIELD_MS = 5_000;
const LAG_CHECK_MS = 25;

/**
 * The background-task loop of a worker process, beside the delivery loop: it leases one task
 * at a time and runs it in batches of `taskBatchSize` rows, pausing `taskPauseMs` between two.
 * Each batch is one short transaction that commits its effect with the task's new cursor and
 * extends the lease, so:
 *
 * - live deliveries keep flowing: the delivery loop is never blocked for longer than a batch,
 *   the pause hands the database (SQLite's one writer) back between batches, and a task that
 *   queues deliveries waits (up to 5 s a batch) while half a batch or more of due deliveries is
 *   still unclaimed or the oldest has waited over `taskMaxLagMs`: a live message never queues
 *   behind more than about one batch of the task;
 * - a crash (SIGKILL) loses at most the batch in flight, which rolled back: the task's lease
 *   expires after `taskLeaseMs` and a runner (this process restarted, or another instance)
 *   continues from the last committed cursor, repeating nothing.
 *
 * @example
 * const runner = new TaskRunner({ tasks: new TasksRepository(store), config, deliveryWakeup: wakeup });
 * runner.start();
 * …
 * await runner.stop();
 */
export class TaskRunner {
  readonly owner: string;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeStop: (() => void) | undefined;
  private readonly stopped: Promise<void>;
  /** Batches of a task that failed in a row here, across claims (a failed batch hands the task back). */
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: TaskRunnerOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}:tasks`;
    this.stopped = new Promise((resolve) => (this.wakeStop = resolve));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in flight and hands the task back, so another instance takes it at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeStop?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { config, tasks, logger } = this.options;
    while (!this.stopping) {
      let task: TaskRow | undefined;
      try {
        task = await tasks.claim({ owner: this.owner, now: Date.now(), leaseMs: config.taskLeaseMs });
      } catch (error) {
        logger?.warn({ err: error }, "could not claim a background task; trying again");
      }
      if (!task) {
        await this.idle(config.taskPollMs, true);
        continue;
      }
      await this.runTask(task);
    }
  }

  private async runTask(task: TaskRow): Promise<void> {
    const { config, tasks, logger, metrics } = this.options;
    logger?.info({ task: task.id, type: task.task, cursor: task.cursor }, "background task claimed");
    while (!this.stopping) {
      try {
        const outcome = await tasks.runBatch(task.id, { owner: this.owner, now: Date.now(), leaseMs: config.taskLeaseMs }, config.taskBatchSize);
        this.failures.delete(task.id);
        if (outcome.state === "lost") {
          logger?.warn({ task: task.id }, "background task lease lost to another runner");
          metrics?.taskProgress.remove({ task: task.task, id: task.id });
          return;
        }
        metrics?.taskBatches.inc({ task: task.task });
        metrics?.taskMessages.inc({ task: task.task }, outcome.affected);
        const row = outcome.task;
        const total = row.total === null ? 0 : Number(row.total);
        metrics?.taskProgress.set({ task: task.task, id: task.id }, outcome.state === "finished" || total === 0 ? 1 : Math.min(1, Number(row.scanned) / total));
        if (outcome.queuedDeliveries) this.options.deliveryWakeup?.notify();
        if (outcome.state !== "running") {
          metrics?.taskProgress.remove({ task: task.task, id: task.id });
          logger?.info({ task: task.id, type: task.task, status: outcome.state, affected: Number(row.affected), error: row.error ?? undefined }, `background task ${outcome.state}`);
          return;
        }
        await this.idle(config.taskPauseMs);
        if (outcome.queuedDeliveries) await this.yieldToDeliveries();
      } catch (error) {
        const failures = (this.failures.get(task.id) ?? 0) + 1;
        this.failures.set(task.id, failures);
        const message = error instanceof Error ? error.message : String(error);
        logger?.error({ err: error, task: task.id, failures }, "background task batch failed");
        try {
          if (failures >= MAX_FAILURES) {
            this.failures.delete(task.id);
            await tasks.fail(task.id, this.owner, Date.now(), message);
            metrics?.taskProgress.remove({ task: task.task, id: task.id });
          } else {
            await tasks.release(task.id, this.owner, Date.now() + RETRY_AFTER_MS, message);
          }
        } catch {
          // The database is away: the lease expires by itself and the task is claimed again.
        }
        return;
      }
    }
    // Stopping between two batches: hand the task back for the next runner.
    await tasks.release(task.id, this.owner, Date.now()).catch(() => undefined);
  }

  /** Waits while the delivery worker has not caught up with the queue, at most MAX_YIELD_MS. */
  private async yieldToDeliveries(): Promise<void> {
    const { tasks, config } = this.options;
    const enough = Math.max(1, Math.ceil(config.taskBatchSize / 2));
    const until = Date.now() + MAX_YIELD_MS;
    while (!this.stopping && Date.now() < until) {
      const backlog = await tasks.queueBacklog(Date.now(), enough).catch(() => ({ due: 0, lagMs: 0 }));
      if (backlog.due < enough && backlog.lagMs <= config.taskMaxLagMs) return;
      await this.idle(LAG_CHECK_MS);
    }
  }

  /** Waits `ms` (or until stop); while idle (`wakeable`), also until a task is started here. */
  private async idle(ms: number, wakeable = false): Promise<void> {
    if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<void>[] = [new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped];
    if (wakeable && this.options.wakeup) waits.push(this.options.wakeup.wait(ms));
    await Promise.race(waits);
    clearTimeout(timer);
  }
}
