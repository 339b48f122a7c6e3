import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

import type { Config } from "../config/config.js";
import type { AttemptOutcome } from "../delivery/attempt.js";
import type { WakeupListener } from "../lib/wakeup.js";
import type { CircuitChange, ClaimedDelivery, DeliveryResult, RecordedOutcome } from "../store/deliveries-repository.js";
import { type BatchPolicies, parseSchedule } from "../store/delivery-policies.js";
import { type Admission, admitBatch } from "./admission.js";
import { decide, type DecideContext, type Decision, releaseAfterBug, releaseThrottled } from "./decide.js";
import { MessageExpander } from "./expander.js";
import { FailureRun } from "./failure-run.js";
import { LocalThrottleSlots } from "./local-throttle-slots.js";
import { OpenedValues } from "./opened-values.js";
import type { DeliveryQueue, ThrottleSlots } from "./ports.js";
import { ResultBuffer } from "./result-buffer.js";
import { pickRetrySchedule } from "./retry-policy.js";
import type { DeliveryWorkerOptions, WorkerCounters } from "./worker-options.js";

export type { DeliveryWorkerOptions, WorkerCounters };

// While the database is unreachable, claims are retried with exponential backoff from the poll
// interval up to this.
const MAX_BACKOFF_MS = 5_000;
// How often a continuing run of database failures is logged again.
const FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * The delivery loop. It leases due deliveries from the queue, sends them concurrently (at most
 * `workerConcurrency` at once) and writes the outcomes in batches (see {@link ResultBuffer}).
 * One delivery goes: claim → `admitBatch` (throttle slots) and its retry schedule →
 * {@link decide} (sign, send, classify) → count → buffer → written with its batch.
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
 * const queue = new DeliveriesRepository(store, { endpointDisableAfterMs: config.endpointDisableAfterSeconds * 1000 });
 * const sender = new DeliveryClient({ policy: createAddressPolicy(config.allowPrivateNetworks) });
 * const worker = new DeliveryWorker({ queue, sender, config, wakeup, keyring });
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
  private readonly queue: DeliveryQueue;
  private readonly results: ResultBuffer;
  private readonly decideContext: DecideContext;
  private readonly leaseMs: number;
  private readonly slots: ThrottleSlots;
  /** Fan-out of committed messages (ADR 0022), when the queue does it. */
  readonly expander: MessageExpander | undefined;

  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private stopSignal!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.stopSignal = resolve));

  /** This loop's own view of the wakeup: the expander waits on another. */
  private readonly wakeup: WakeupListener;
  private inFlight = 0;
  private slotWaiters: (() => void)[] = [];
  private writeWaiters: (() => void)[] = [];
  private readonly claimFailures = new FailureRun("claiming deliveries", FAILURE_LOG_INTERVAL_MS);
  /** What each buffered result's delivery looked like when claimed; weak, so dropped results leave nothing behind. */
  private readonly claimedState = new WeakMap<DeliveryResult, Omit<RecordedOutcome, "result">>();

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.config = options.config;
    this.queue = options.queue;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.leaseMs = this.config.deliveryTimeoutMs + this.config.leaseMarginMs;
    this.wakeup = options.wakeup.listener();
    this.results = new ResultBuffer({
      queue: this.queue,
      batchSize: this.config.workerBatchSize,
      logger: options.logger,
      onWriteErrors: (count) => (this.counters.writeErrors += count),
      onCircuitChanges: (changes) => this.reportCircuitChanges(changes),
      onWritten: (written) => {
        this.wakeWriteWaiters();
        if (this.options.operationalEvents) this.reportWritten(written);
      },
    });
    this.decideContext = {
      owner: this.owner,
      config: this.config,
      keyring: new OpenedValues(options.keyring),
      sender: options.sender,
      logger: options.logger,
      transformations: options.transformations,
    };
    this.slots = options.slots ?? new LocalThrottleSlots();
    const queue = this.queue;
    this.expander = queue.expand
      ? new MessageExpander({
          queue: { expand: (o) => queue.expand!(o) },
          owner: this.owner,
          leaseMs: this.leaseMs,
          pollMs: this.config.workerPollMs,
          batchSize: this.config.fanoutBatchSize,
          wakeup: options.wakeup,
          logger: options.logger,
          metrics: options.metrics,
        })
      : undefined;
  }

  /** Starts the loop in the background; returns at once. */
  start(): void {
    if (this.loop || this.stopping) return;
    this.expander?.start();
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
      await Promise.all([this.loop, this.expander?.stop()]);
      await this.drainInFlight(graceMs);
      // Sends still running past the grace period are abandoned: their rows are released below
      // and whatever they come back with is dropped, so the row is simply sent again later.
      // One last try for results that failed to write; what still fails is released below (or,
      // with the database down, comes back when its lease expires).
      const stranded = await this.results.close();
      if (stranded.length > 0) {
        try {
          await this.queue.release(stranded, this.owner, Date.now());
        } catch (error) {
          this.options.logger?.error(
            { err: error, count: stranded.length },
            "could not release leased deliveries; they return when their leases expire",
          );
        }
      }
      await this.options.sender.close();
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
        claimed = await this.queue.claim({
          owner: this.owner,
          now: Date.now(),
          leaseMs: this.leaseMs,
          limit,
          maxInFlight: this.config.endpointMaxInFlight,
          fifoSafetyLagMs: this.config.fifoSafetyLagMs,
        });
      } catch (error) {
        const failures = this.claimFailures.failed(error, this.options.logger);
        // Backs off exponentially while the database is away; a wakeup (the PostgreSQL
        // notifier reconnecting, say) cuts the wait short.
        await this.idle(Math.min(MAX_BACKOFF_MS, workerPollMs * 2 ** Math.min(failures - 1, 16)));
        continue;
      }
      this.claimFailures.succeeded(this.options.logger);
      this.counters.claimRounds++;
      this.options.heartbeat?.beat();
      this.counters.claimed += claimed.length;
      if (claimed.length > 0) await this.admitAndDispatch(claimed);
      // A short batch means nothing more can be leased right now: the queue has nothing more
      // due, or what is due belongs to endpoints at their in-flight cap (or with an open
      // circuit). While this worker has sends out, their results being written is what frees
      // an endpoint's cap, so the next claim follows the next write (every ~25 ms under load)
      // instead of a whole poll interval: waiting 250 ms there cut loopback throughput to
      // two endpoints' caps per poll (~500 deliveries/s).
      if (claimed.length < limit) {
        if (this.inFlight > 0) {
          this.results.expedite();
          await Promise.race([this.resultsWritten(), this.idle(workerPollMs)]);
          this.results.relax();
        } else await this.idle(workerPollMs);
      }
    }
  }

  /**
   * Looks up the batch's policies, reserves its throttled deliveries' send slots (one round
   * trip per throttled key, see `admitBatch`) and dispatches every delivery. When that fails (the
   * database went away), the whole batch is handed back due one poll interval later.
   */
  private async admitAndDispatch(claimed: ClaimedDelivery[]): Promise<void> {
    let policies: BatchPolicies | undefined;
    let admissions: Map<string, Admission>;
    try {
      const lookup = this.options.policies;
      if (lookup) {
        const apps = new Set(claimed.map((c) => c.delivery.app_id));
        policies = await lookup.forBatch(apps, new Set(claimed.map((c) => c.message.event_type)));
      }
      admissions = await admitBatch(claimed, policies, this.slots, Date.now());
    } catch (error) {
      this.options.logger?.error({ err: error, count: claimed.length }, "could not apply throttles; deliveries released");
      for (const c of claimed) this.dispatch(c, { releaseAt: Date.now() + this.config.workerPollMs }, []);
      return;
    }
    for (const c of claimed) {
      const schedule = pickRetrySchedule(
        {
          endpoint: parseSchedule(c.endpoint.retry_schedule),
          eventType: policies?.eventTypes.get(c.message.event_type),
          application: policies?.apps.get(c.delivery.app_id)?.retrySchedule,
        },
        this.config.retrySchedule,
      );
      this.dispatch(c, admissions.get(c.delivery.id), schedule);
    }
  }

  /** Sends one delivery now, at its reserved slot, or hands it back when its throttle has no slot. */
  private dispatch(claimed: ClaimedDelivery, admission: Admission | undefined, schedule: readonly number[]): void {
    this.inFlight++;
    this.results.lease(claimed.delivery.id, claimed.delivery.due_at ?? Date.now() + this.leaseMs);
    let work: Promise<Decision>;
    if (admission && "releaseAt" in admission) {
      work = Promise.resolve(releaseThrottled(claimed, this.owner, admission.releaseAt));
    } else {
      const wait = admission ? admission.sendAt - Date.now() : 0;
      const send = () => decide(claimed, this.decideContext, schedule);
      work = wait > 0 ? sleep(wait).then(send) : send();
    }
    work
      .catch((error: unknown) => {
        // A bug, not a delivery outcome: hand the row back for a later try rather than wedge a slot.
        this.options.logger?.error(
          { err: error, deliveryId: claimed.delivery.id },
          "delivery processing failed",
        );
        return releaseAfterBug(claimed, this.owner, this.config.workerPollMs);
      })
      .then((decision) => {
        if (this.options.operationalEvents) {
          this.claimedState.set(decision.result, {
            priorAttempts: claimed.delivery.attempt_count,
            priorStatusCode: claimed.delivery.last_status_code,
            manual: claimed.delivery.next_trigger === 1,
            endpointWasDisabled: claimed.endpoint.disabled === 1,
            endpointFailingSince: claimed.endpoint.first_failure_at,
          });
        }
        this.inFlight--;
        this.wakeSlotWaiters();
        this.record(decision);
      });
  }

  private reportCircuitChanges(changes: CircuitChange[]): void {
    for (const change of changes) {
      this.options.metrics?.circuitTransitions.inc({ state: change.state });
      this.options.logger?.warn(
        { endpointId: change.endpointId, state: change.state, consecutiveFailures: change.consecutiveFailures, nextProbeAt: change.nextProbeAt },
        `endpoint circuit ${change.state}`,
      );
      try {
        this.options.onCircuitChange?.(change);
      } catch (error) {
        this.options.logger?.error({ err: error, endpointId: change.endpointId }, "circuit change listener failed");
      }
    }
  }

  /** Counts a decision and buffers its result for writing; after stop gave up, drops it. */
  private record({ result, outcome }: Decision): void {
    if (this.results.isClosed) return;
    const c = this.counters;
    if (outcome) {
      c.sent++;
      if (outcome.kind === "success") c.succeeded++;
      else c.failed++;
      this.options.metrics?.deliveryAttempts.inc({ outcome: outcome.kind });
      this.options.metrics?.deliveryDuration.observe(outcome.durationMs / 1000);
    }
    if (outcome && outcome.kind !== "success") this.logFailure(result, outcome);
    if (result.next === "retry") c.retried++;
    else if (result.next === "fail") c.exhausted++;
    else if (result.next === "release") c.released++;
    this.options.onResult?.(result, outcome);
    this.results.add(result);
  }

  /** Hands written outcomes that made an attempt to the operational-events port. */
  private reportWritten(written: DeliveryResult[]): void {
    const outcomes: RecordedOutcome[] = [];
    for (const result of written) {
      const state = this.claimedState.get(result);
      if (state && result.attempt) outcomes.push({ result, ...state });
    }
    if (outcomes.length === 0) return;
    try {
      this.options.operationalEvents?.outcomesRecorded(outcomes);
    } catch (error) {
      this.options.logger?.error({ err: error }, "reporting operational events failed");
    }
  }

  /**
   * A failed attempt, at warn so it shows at the default level. Neither the URL (it may carry
   * credentials) nor the receiver's response body (anything at all) is logged: the endpoint id,
   * the status and our own reason are enough to find the attempt, which holds the rest.
   */
  private logFailure(result: DeliveryResult, outcome: AttemptOutcome): void {
    const reason = outcome.kind === "http_error" ? `HTTP ${outcome.statusCode}` : outcome.response.slice(0, 300);
    this.options.logger?.warn(
      {
        endpointId: result.endpointId,
        deliveryId: result.deliveryId,
        msgId: result.attempt?.msg_id,
        status: outcome.statusCode,
        outcome: outcome.kind,
        reason,
        next: result.next,
      },
      `delivery attempt failed (${outcome.kind}): ${reason}`,
    );
  }

  private idle(ms: number): Promise<void> {
    return Promise.race([this.wakeup.wait(ms), this.stopRequested]);
  }

  private resultsWritten(): Promise<void> {
    return new Promise((resolve) => this.writeWaiters.push(resolve));
  }

  private wakeWriteWaiters(): void {
    const waiters = this.writeWaiters;
    this.writeWaiters = [];
    for (const w of waiters) w();
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
