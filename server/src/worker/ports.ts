import type { SendRequest, SendResult } from "../delivery/http-client.js";
import type {
  ClaimedDelivery,
  ClaimOptions,
  DeliveryResult,
  RecordedOutcome,
  RecordSummary,
} from "../store/deliveries-repository.js";

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
