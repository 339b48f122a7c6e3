import { hostname } from "node:os";

import type { Logger } from "pino";

import type { Heartbeat } from "../lib/heartbeat.js";
import type { WorkerHeartbeatsRepository } from "../store/worker-heartbeats-repository.js";

// A worker that has not reported for this long is gone (crashed); its row is dropped.
const FORGET_AFTER_MS = 3_600_000;

export interface HeartbeatPublisherOptions {
  repository: Pick<WorkerHeartbeatsRepository, "report" | "remove" | "prune">;
  /** The worker's in-memory heartbeat, beaten after every claim round. */
  heartbeat: Heartbeat;
  /** The worker's lease owner name. */
  owner: string;
  /** How often to write the row; a fraction of the stale threshold, so a live worker never looks stale. */
  intervalMs: number;
  logger?: Logger | undefined;
  now?: () => number;
}

/**
 * Copies this process's worker heartbeat into the shared `worker_heartbeats` table every
 * `intervalMs`, so the health report of any instance (an API-only one included) sees every
 * worker. Kept apart from the delivery loop: a slow write here never delays a claim, and a
 * failed one is only logged (the next tick tries again; the health report shows the gap).
 *
 * @example
 * const publisher = new HeartbeatPublisher({ repository, heartbeat, owner: worker.owner, intervalMs: 5_000 });
 * publisher.start();
 * await publisher.stop(); // deletes the row: a cleanly stopped worker is not reported stale
 */
export class HeartbeatPublisher {
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly host = hostname();

  constructor(private readonly options: HeartbeatPublisherOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.pending = this.publish();
    this.timer = setInterval(() => {
      this.pending = this.pending.then(() => this.publish());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Writes the row once now (also what each tick does). Never throws. */
  async publish(): Promise<void> {
    const { repository, heartbeat, owner, logger } = this.options;
    const at = this.now();
    try {
      await repository.report({
        owner,
        host: this.host,
        pid: process.pid,
        started_at: heartbeat.since,
        last_claim_at: heartbeat.lastAt ?? null,
        reported_at: at,
      });
      await repository.prune(at - FORGET_AFTER_MS);
    } catch (error) {
      logger?.warn({ err: error }, "could not report the worker heartbeat; trying again at the next tick");
    }
  }

  /** Stops reporting and removes this worker's row. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pending;
    try {
      await this.options.repository.remove(this.options.owner);
    } catch (error) {
      this.options.logger?.warn({ err: error }, "could not remove the worker heartbeat row; it is pruned after an hour");
    }
  }
}
