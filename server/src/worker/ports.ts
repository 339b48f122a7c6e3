import type { SendRequest, SendResult } from "../delivery/http-client.js";
import type { SlotGrant, SlotRequest } from "../lib/send-slots.js";
import type {
  ClaimedDelivery,
  ClaimOptions,
  DeliveryResult,
  ExpandOptions,
  ExpandResult,
  RecordedOutcome,
  RecordSummary,
} from "../store/deliveries-repository.js";
import type { BatchPolicies } from "../store/delivery-policies.js";
import type { TaskRow } from "../store/schema.js";
import type { BatchOutcome, TaskLease } from "../store/tasks-repository.js";

/**
 * The queue as the worker sees it: lease due deliveries, write their outcomes, hand back what it
 * will not send. `DeliveriesRepository` is the implementation; the composition root (main.ts)
 * and the tests build it and pass it in.
 *
 * @example
 * const queue: DeliveryQueue = new DeliveriesRepository(store, { endpointDisableAfterMs: 5 * 86_400_000 });
 * const claimed = await queue.claim({ owner, now: Date.now(), leaseMs: 30_000, limit: 100 });
 */
export interface DeliveryQueue {
  /**
   * Writes the delivery rows of up to `limit` committed, not yet expanded messages (ADR 0022).
   * Optional so a test's fake queue may leave fan-out out; without it the worker only delivers.
   */
  expand?(options: ExpandOptions): Promise<ExpandResult>;
  /** Leases up to `limit` due deliveries to `owner` for `leaseMs`, with their endpoint and message. */
  claim(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Writes a batch of outcomes; rows whose lease `owner` no longer holds are fenced off. */
  recordResults(results: DeliveryResult[]): Promise<RecordSummary>;
  /** Hands leased rows back to the queue untried, due at `dueAt`. */
  release(ids: string[], owner: string, dueAt: number): Promise<number>;
}

/**
 * Sends one signed request and closes its connections at shutdown. `DeliveryClient` (keep-alive,
 * no redirects, SSRF-guarded) is the implementation the composition root passes in.
 *
 * @example const sender: WebhookSender = new DeliveryClient({ policy: createAddressPolicy(config.allowPrivateNetworks) });
 */
export interface WebhookSender {
  send(request: SendRequest): Promise<SendResult>;
  /** Closes every socket, aborting requests still in flight. */
  close(): Promise<void>;
}

/**
 * Where throttled deliveries reserve their send slots (lib/send-slots.ts): in memory for one
 * process (`LocalThrottleSlots`, SQLite), in the database for every instance at once
 * (`SharedThrottleSlots`, PostgreSQL). The composition root picks by dialect.
 *
 * @example const grants = await slots.reserve([{ key: "ep:ep_1", perSecond: 10, count: 4 }], Date.now(), 1000);
 */
export interface ThrottleSlots {
  /** Reserves slots for each request, none later than `now + horizonMs`; one grant per key. */
  reserve(requests: readonly SlotRequest[], now: number, horizonMs: number): Promise<Map<string, SlotGrant>>;
}

/**
 * Application and event-type policies (throttle, retry schedules) of a claim batch;
 * `DeliveryPolicyCache` is the implementation, cached so the claim's hot path stays one query.
 *
 * @example const policies = await lookup.forBatch(["app_…"], ["invoice.paid"]);
 */
export interface PolicyLookup {
  forBatch(appIds: Iterable<string>, eventTypes: Iterable<string>): Promise<BatchPolicies>;
}

/**
 * Background tasks as the task runner sees them: lease one, run it a batch at a time (each
 * batch commits its effect with its checkpoint), hand it back. `TasksRepository` is the
 * implementation the composition root passes in.
 *
 * @example
 * const tasks: BackgroundTaskQueue = new TasksRepository(store);
 * const task = await tasks.claim({ owner, now: Date.now(), leaseMs: 30_000 });
 */
export interface BackgroundTaskQueue {
  /** Leases the oldest running task whose lease is free or expired. */
  claim(lease: TaskLease): Promise<TaskRow | undefined>;
  /** One batch of a leased task, fenced on `lease.owner`, extending the lease. */
  runBatch(id: string, lease: TaskLease, limit: number): Promise<BatchOutcome>;
  /** Hands the task back, claimable again from `dueAt`; `error` is kept on the row. */
  release(id: string, owner: string, dueAt: number, error?: string): Promise<void>;
  /** Due deliveries not yet claimed (counted up to `limit`) and how long the oldest has waited. */
  queueBacklog(now: number, limit: number): Promise<{ due: number; lagMs: number }>;
  /** Ends the task as failed. */
  fail(id: string, owner: string, now: number, error: string): Promise<void>;
}

/**
 * Where the worker reports written outcomes for operational webhooks (`message.attempt.*`,
 * automatic `endpoint.disabled`). Called after the batch's transaction committed, so an event
 * is never about an outcome that was rolled back; a crash between that commit and the event's
 * own commit loses the event (best effort, ADR 10). Must not throw. The composition root passes
 * the services' `OperationalEvents`.
 *
 * @example const port: OperationalEventsPort = { outcomesRecorded: (o) => void operationalEvents.outcomesRecorded(o) };
 */
export interface OperationalEventsPort {
  outcomesRecorded(outcomes: RecordedOutcome[]): void;
}
