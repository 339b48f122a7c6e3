import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import { createAddressPolicy } from "../delivery/address-policy.js";
import { attemptDelivery, type AttemptOutcome } from "../delivery/attempt.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";
import type { Metrics } from "../lib/metrics.js";
import { liveSecrets } from "../lib/standard-webhooks.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { Store } from "../store/database.js";
import {
  type ClaimedDelivery,
  DeliveriesRepository,
  type DeliveryResult,
} from "../store/deliveries-repository.js";
import { DeliveryStatus } from "../store/schema.js";
import { nextAttemptDelayMs } from "./retry-policy.js";

export interface DeliveryWorkerOptions {
  store: Store;
  config: Config;
  /** Signalled by the API when it queued deliveries, so they go out without waiting for a poll. */
  wakeup: Wakeup;
  /** Opens the sealed endpoint secrets. */
  /** Opens the endpoints' sealed secrets and custom headers. */
  keyring: Keyring;
  logger?: Logger;
  /** Lease owner name; unique per worker. Defaults to host:pid:random. */
  owner?: string;
  metrics?: Pick<Metrics, "deliveryAttempts" | "deliveryDuration">;
  /** Called for every decided delivery (before it is written), e.g. for tests or live views. */
  onResult?: (result: DeliveryResult, outcome: AttemptOutcome | undefined) => void;
}

/** Running totals since start; cheap to read for metrics and tests. */
export interface WorkerCounters {
  /** Claim queries that answered (each leases up to a batch; an empty answer counts too). */
  claimRounds: number;
  /** Rows leased from the queue. */
  claimed: number;
  /** HTTP attempts made. */
  sent: number;
  /** Attempts answered with 2xx. */
  succeeded: number;
  /** Attempts that failed in any way (non-2xx, timeout, network, refused). */
  failed: number;
  /** Failed attempts with another attempt scheduled. */
  retried: number;
  /** Deliveries given up: retries exhausted, 410, failed manual attempt, disabled endpoint. */
  exhausted: number;
  /** Deliveries handed back untried, almost always because their endpoint's rate limit was reached. */
  released: number;
  /** Results that could not be written (their leases expire and they are sent again). */
  writeErrors: number;
}

// Results are written together: a flush happens once this many are waiting or FLUSH_DELAY_MS
// after the first one, whichever is sooner. Meanwhile a write in progress lets the next batch
// grow, so under load batches get larger by themselves. Every flush is a commit (an fsync on
// SQLite, which blocks the event loop): at 2 ms a trickle of results meant hundreds of commits
// a second and ~850 µs of CPU per delivery; at 25 ms batches are larger and commits rarer.
// Nothing waits on these writes: a result lost in a crash only means the delivery is sent
// again when its lease expires (at-least-once).
const FLUSH_DELAY_MS = 25;

// While the database is unreachable, claims and result writes are retried with exponential
// backoff from the poll interval (claims) or RETRY_WRITE_MIN_MS (writes) up to this.
const MAX_BACKOFF_MS = 5_000;
const RETRY_WRITE_MIN_MS = 250;
// A result is kept for another write attempt only while its lease has at least this long to run:
// past that the row is about to be re-claimed and sent again anyway.
const LEASE_SAFETY_MS = 1_000;
// How often a continuing run of database failures is logged again.
const FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * The delivery loop. It leases due deliveries from the queue, sends them concurrently (at most
 * `workerConcurrency` at once) and writes the outcomes in batches: one transaction per batch
 * instead of per delivery is what lets SQLite keep up with loopback receivers (one fsync per
 * delivery caps it near 4.5k/s).
 *
 * Every claimed row is leased for `deliveryTimeoutMs + leaseMarginMs`, longer than any attempt
 * can take, so a row is only ever re-claimed from a worker that died or stalled; if that
 * happens its late result is fenced off by the lease owner and the delivery is at-least-once.
 *
 * The loop outlives the database: while it cannot be reached, claims back off exponentially
 * (up to 5 s) and results that could not be written are kept and written again, with backoff,
 * for as long as their leases last. Deliveries in flight during a short outage are therefore
 * recorded once, not sent a second time when their leases expire.
 *
 * @example
 * const worker = new DeliveryWorker({ store, config, wakeup, keyring });
 * worker.start();
 * process.once("SIGTERM", () => void worker.stop(config.shutdownGraceMs));
 */
export class DeliveryWorker {
  readonly owner: string;
  readonly counters: WorkerCounters = {
    claimRounds: 0,
    claimed: 0,
    sent: 0,
    succeeded: 0,
    failed: 0,
    retried: 0,
    exhausted: 0,
    released: 0,
    writeErrors: 0,
  };

  private readonly config: Config;
  private readonly repo: DeliveriesRepository;
  private readonly client: DeliveryClient;
  private readonly throttle = new EndpointThrottle();
  private readonly leaseMs: number;

  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private stopSignal!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.stopSignal = resolve));
  /** After stop gave up waiting, late results are dropped: their rows get released instead. */
  private discardResults = false;

  private inFlight = 0;
  private slotWaiters: (() => void)[] = [];
  /** Ids this worker holds a lease on and has not written a result for, with the lease expiry. */
  private readonly leased = new Map<string, number>();
  private buffer: DeliveryResult[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Results whose write failed, waiting for the next try. */
  private retryBuffer: DeliveryResult[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private writeBackoffMs = RETRY_WRITE_MIN_MS;
  private readonly claimFailures = new FailureRun("claiming deliveries", FAILURE_LOG_INTERVAL_MS);
  private readonly writeFailures = new FailureRun("recording delivery results", FAILURE_LOG_INTERVAL_MS);

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.config = options.config;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.leaseMs = this.config.deliveryTimeoutMs + this.config.leaseMarginMs;
    this.repo = new DeliveriesRepository(options.store, {
      endpointDisableAfterMs: this.config.endpointDisableAfterSeconds * 1000,
    });
    this.client = new DeliveryClient({ policy: createAddressPolicy(this.config.allowPrivateNetworks) });
  }

  /** Starts the loop in the background; returns at once. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.loop = this.run();
  }

  /**
   * Stops claiming, waits up to `graceMs` for sends in flight, writes every outcome it has,
   * hands the rows still in flight back to the queue (pending, due now) and closes the HTTP
   * client, aborting what is left. Safe to call more than once.
   */
  stop(graceMs: number = this.config.shutdownGraceMs): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.stopSignal();
      this.wakeSlotWaiters();
      await this.loop;
      await this.drainInFlight(graceMs);
      // Sends still running past the grace period are abandoned: their rows are released below
      // and whatever they come back with is dropped, so the row is simply sent again later.
      this.discardResults = true;
      // One last try for results that failed to write; what still fails is released below (or,
      // with the database down, comes back when its lease expires).
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.buffer.push(...this.retryBuffer.splice(0));
      await this.flush();
      this.retryBuffer = [];
      const stranded = [...this.leased.keys()];
      this.leased.clear();
      if (stranded.length > 0) {
        try {
          await this.repo.release(stranded, this.owner, Date.now());
        } catch (error) {
          this.options.logger?.error(
            { err: error, count: stranded.length },
            "could not release leased deliveries; they return when their leases expire",
          );
        }
      }
      await this.client.close();
    })();
    return this.stopped;
  }

  /** Deliveries being sent right now. */
  get active(): number {
    return this.inFlight;
  }

  private async run(): Promise<void> {
    const { workerBatchSize, workerConcurrency, workerPollMs } = this.config;
    // Claiming a handful at a time when nearly saturated would cost one query per delivery;
    // waiting for a quarter batch of free slots keeps claims efficient.
    const minClaim = Math.max(1, Math.floor(Math.min(workerBatchSize, workerConcurrency) / 4));
    while (!this.stopping) {
      const room = workerConcurrency - this.inFlight;
      if (room < minClaim) {
        await this.slotFreed();
        continue;
      }
      const limit = Math.min(workerBatchSize, room);
      let claimed: ClaimedDelivery[];
      try {
        claimed = await this.repo.claim({ owner: this.owner, now: Date.now(), leaseMs: this.leaseMs, limit });
      } catch (error) {
        const failures = this.claimFailures.failed(error, this.options.logger);
        // Backs off exponentially while the database is away; a wakeup (the PostgreSQL
        // notifier reconnecting, say) cuts the wait short.
        await this.idle(Math.min(MAX_BACKOFF_MS, workerPollMs * 2 ** Math.min(failures - 1, 16)));
        continue;
      }
      this.claimFailures.succeeded(this.options.logger);
      this.counters.claimRounds++;
      this.counters.claimed += claimed.length;
      for (const c of claimed) this.dispatch(c);
      // A short batch means the queue has nothing more due right now.
      if (claimed.length < limit) await this.idle(workerPollMs);
    }
  }

  private dispatch(claimed: ClaimedDelivery): void {
    this.inFlight++;
    this.leased.set(claimed.delivery.id, claimed.delivery.due_at ?? Date.now() + this.leaseMs);
    this.process(claimed)
      .catch((error: unknown) => {
        // A bug, not a delivery outcome: hand the row back for a later try rather than wedge a slot.
        this.options.logger?.error(
          { err: error, deliveryId: claimed.delivery.id },
          "delivery processing failed",
        );
        const at = Date.now();
        const result: DeliveryResult = {
          deliveryId: claimed.delivery.id,
          endpointId: claimed.endpoint.id,
          owner: this.owner,
          next: "release",
          dueAt: at + this.config.workerPollMs,
          at,
        };
        return { result, outcome: undefined };
      })
      .then(({ result, outcome }) => {
        this.inFlight--;
        this.wakeSlotWaiters();
        this.enqueue(result, outcome);
      });
  }

  /** Decides what becomes of one claimed delivery; rejects only on a bug. */
  private async process(
    claimed: ClaimedDelivery,
  ): Promise<{ result: DeliveryResult; outcome: AttemptOutcome | undefined }> {
    const { delivery, endpoint, message } = claimed;
    const now = Date.now();
    const base = { deliveryId: delivery.id, endpointId: endpoint.id, owner: this.owner };

    if (endpoint.disabled) return { result: { ...base, next: "fail", at: now }, outcome: undefined };
    if (endpoint.throttle_rate !== null && endpoint.throttle_rate > 0) {
      const releaseUntil = this.throttle.admit(endpoint.id, endpoint.throttle_rate, now);
      if (releaseUntil !== undefined) {
        return { result: { ...base, next: "release", dueAt: releaseUntil, at: now }, outcome: undefined };
      }
    }

    let outcome: AttemptOutcome;
    try {
      outcome = await attemptDelivery(this.client, {
        url: endpoint.url,
        // An expunged payload is still delivered, as an empty object, like Svix does.
        body: message.payload ?? "{}",
        msgId: message.id,
        secrets: liveSecrets(endpoint.secret, endpoint.old_secrets, now).map((s) => this.options.keyring.open(s)),
        headers: parseJson<Record<string, string>>(this.options.keyring.open(endpoint.headers), {}),
        timeoutMs: this.config.deliveryTimeoutMs,
        maxResponseBytes: this.config.responseBodyMaxBytes,
        now,
      });
    } catch (error) {
      // Not the receiver's doing (a secret that cannot be opened, corrupt stored JSON): record
      // it as a failed attempt so it is visible in the attempt log and follows the retry schedule.
      this.options.logger?.error({ err: error, deliveryId: delivery.id }, "could not prepare delivery");
      const reason = error instanceof Error ? error.message : String(error);
      outcome = {
        kind: "network_error",
        statusCode: 0,
        response: `delivery not sent: ${reason}`,
        durationMs: 0,
        gone: false,
      };
    }

    const at = Date.now();
    const succeeded = outcome.kind === "success";
    const manual = delivery.next_trigger === 1;
    // A manual attempt (resend, recover) is a single shot: failing it leaves the delivery failed.
    const delay =
      succeeded || manual ? null : nextAttemptDelayMs(delivery.attempt_count + 1, outcome, this.config);
    const result: DeliveryResult = {
      ...base,
      next: succeeded ? "success" : delay === null ? "fail" : "retry",
      at,
      gone: outcome.gone,
      attempt: {
        msg_id: delivery.msg_id,
        app_id: delivery.app_id,
        url: endpoint.url,
        status: succeeded ? DeliveryStatus.success : DeliveryStatus.fail,
        response_status_code: outcome.statusCode,
        response: outcome.response,
        response_duration_ms: outcome.durationMs,
        trigger_type: delivery.next_trigger,
      },
    };
    if (delay !== null) result.dueAt = at + delay;
    return { result, outcome };
  }

  private enqueue(result: DeliveryResult, outcome: AttemptOutcome | undefined): void {
    if (this.discardResults) return;
    const c = this.counters;
    if (outcome) {
      c.sent++;
      if (outcome.kind === "success") c.succeeded++;
      else c.failed++;
      this.options.metrics?.deliveryAttempts.inc({ outcome: outcome.kind });
      this.options.metrics?.deliveryDuration.observe(outcome.durationMs / 1000);
    }
    if (result.next === "retry") c.retried++;
    else if (result.next === "fail") c.exhausted++;
    else if (result.next === "release") c.released++;
    this.options.onResult?.(result, outcome);

    this.buffer.push(result);
    // While a write is running, results simply accumulate: it takes them all when it is done.
    if (this.flushing) return;
    if (this.buffer.length >= this.config.workerBatchSize) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
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
      failed = (await this.repo.recordResults(batch)).errors;
    } catch (error) {
      failed = batch.map((result) => ({ result, error }));
    }
    const failedIds = new Set(failed.map((f) => f.result.deliveryId));
    for (const r of batch) if (!failedIds.has(r.deliveryId)) this.leased.delete(r.deliveryId);
    if (failed.length === 0) {
      this.writeBackoffMs = RETRY_WRITE_MIN_MS;
      this.writeFailures.succeeded(this.options.logger);
      return;
    }
    this.counters.writeErrors += failed.length;
    this.writeFailures.failed(failed[0]!.error, this.options.logger, { count: failed.length });
    this.retryWrite(failed.map((f) => f.result));
  }

  /**
   * Keeps failed results for another write after a backoff, as long as their lease has time
   * left; the others are dropped and their rows come back when the lease expires (at-least-once).
   * Once stop() has given up waiting nothing is retried: it releases whatever is still leased.
   */
  private retryWrite(results: DeliveryResult[]): void {
    if (this.discardResults) return;
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

  private idle(ms: number): Promise<void> {
    return Promise.race([this.options.wakeup.wait(ms), this.stopRequested]);
  }

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const w of waiters) w();
  }

  private async drainInFlight(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await Promise.race([this.slotFreed(), sleep(Math.max(1, deadline - Date.now()))]);
    }
  }
}

/**
 * Per-endpoint rate limit (`throttle_rate` deliveries per second) as a token bucket holding one
 * second's worth of tokens. A delivery over the limit is handed back to the queue rather than
 * held in memory; deliveries handed back in a burst get successive slots one interval apart,
 * so they return spread out instead of all at once only to be handed back again.
 */
class EndpointThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number; queuedUntil: number }>();

  /** Undefined when the delivery may go now; otherwise when to try it again (ms). */
  admit(endpointId: string, perSecond: number, now: number): number | undefined {
    const capacity = Math.max(1, perSecond);
    const interval = 1000 / perSecond;
    let bucket = this.buckets.get(endpointId);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.prune(now);
      bucket = { tokens: capacity, at: now, queuedUntil: now };
      this.buckets.set(endpointId, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const nextToken = now + Math.ceil((1 - bucket.tokens) * interval);
    const slot = Math.max(nextToken, bucket.queuedUntil);
    bucket.queuedUntil = slot + interval;
    return Math.ceil(slot);
  }

  /** Drops buckets that have refilled completely: they hold no state worth keeping. */
  private prune(now: number): void {
    for (const [id, b] of this.buckets)
      if (now - b.at > 60_000 && b.queuedUntil < now) this.buckets.delete(id);
  }
}

/**
 * A run of consecutive failures of one kind: logged as an error when it starts, again every
 * `logEveryMs` while it lasts, and once more (info) when it ends, so a database outage costs a
 * few log lines instead of one per poll.
 */
class FailureRun {
  private count = 0;
  private startedAt = 0;
  private loggedAt = 0;

  constructor(
    private readonly what: string,
    private readonly logEveryMs: number,
  ) {}

  /** Records a failure; returns how many in a row so far. */
  failed(error: unknown, logger: Logger | undefined, extra: Record<string, unknown> = {}): number {
    const now = Date.now();
    this.count++;
    if (this.count === 1) {
      this.startedAt = now;
      this.loggedAt = now;
      logger?.error({ err: error, ...extra }, `${this.what} failed; retrying with backoff`);
    } else if (now - this.loggedAt >= this.logEveryMs) {
      this.loggedAt = now;
      logger?.error(
        { err: error, failures: this.count, sinceMs: now - this.startedAt, ...extra },
        `${this.what} still failing`,
      );
    }
    return this.count;
  }

  succeeded(logger: Logger | undefined): void {
    if (this.count === 0) return;
    logger?.info({ failures: this.count, afterMs: Date.now() - this.startedAt }, `${this.what} works again`);
    this.count = 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
