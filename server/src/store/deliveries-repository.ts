import type { Store } from "./database.js";
import { claimDeliveries, type ClaimedDelivery, type ClaimOptions } from "./queue/claim.js";
import type { DeliveryResult, RecordSummary } from "./queue/delivery-result.js";
import type { CircuitPolicy } from "./queue/endpoint-circuit.js";
import { expandMessages, type ExpandOptions, type ExpandResult } from "./queue/expand.js";
import { recordResults } from "./queue/record-results.js";
import { releaseDeliveries } from "./queue/release.js";

export type { ClaimedDelivery, ClaimedEndpoint, ClaimedMessage, ClaimOptions } from "./queue/claim.js";
export type { CircuitChange, DeliveryNext, DeliveryResult, RecordedOutcome, RecordSummary } from "./queue/delivery-result.js";
export { type CircuitPolicy, circuitPolicy } from "./queue/endpoint-circuit.js";
export type { ExpandOptions, ExpandResult } from "./queue/expand.js";

/** @example const options: DeliveriesRepositoryOptions = { endpointDisableAfterMs: 5 * 86_400_000 }; */
export interface DeliveriesRepositoryOptions {
  /** An endpoint failing without a single success for this long is disabled. */
  endpointDisableAfterMs: number;
  /** The circuit breaker's rules; absent: circuits never open (the counters are kept). */
  circuit?: CircuitPolicy | undefined;
}

/**
 * The delivery queue. The `deliveries` table is the queue itself: a partial index on `due_at`
 * holds only unfinished rows, so a claim reads a few index pages however many millions of
 * finished deliveries the table keeps for the logs. A claim is a lease, not a lock: a worker
 * that dies simply lets its lease run out and another claims the rows again (at-least-once).
 * Every completion is fenced on `lease_owner`, so a worker that lost its lease — to expiry, or
 * to a manual resend that cleared it — cannot overwrite what happened since.
 *
 * One queue operation per file under `store/queue/` (the way graphile/worker keeps one per
 * file): `expand.ts` (fan-out of committed messages), `claim.ts`, `record-results.ts` (with `endpoint-health.ts` and `hourly-counters.ts`),
 * `release.ts`. This class binds them to a store for the worker.
 *
 * @example
 * const queue = new DeliveriesRepository(store, { endpointDisableAfterMs: 5 * 86_400_000 });
 * const batch = await queue.claim({ owner: "w1", now: Date.now(), leaseMs: 30_000, limit: 100 });
 */
export class DeliveriesRepository {
  constructor(
    private readonly store: Pick<Store, "db" | "dialect" | "atomic" | "fanoutCache">,
    private readonly options: DeliveriesRepositoryOptions,
  ) {}

  /** Expands up to `limit` committed messages into their delivery rows (see {@link expandMessages}). */
  expand(options: ExpandOptions): Promise<ExpandResult> {
    return expandMessages(this.store, options);
  }

  /** Reserves up to `limit` due deliveries, earliest first (see {@link claimDeliveries}). */
  claim(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    return claimDeliveries(this.store, options);
  }

  /** Writes a batch of outcomes in one transaction (see {@link recordResults}). */
  recordResults(results: DeliveryResult[]): Promise<RecordSummary> {
    return recordResults(this.store, this.options, results);
  }

  /** Hands leased rows back as pending at `dueAt` (see {@link releaseDeliveries}). */
  release(ids: string[], owner: string, dueAt: number): Promise<number> {
    return releaseDeliveries(this.store.db, ids, owner, dueAt);
  }
}
