import type { AttemptRow } from "../schema.js";

/**
 * What became of a claimed delivery.
 * - `success`: delivered (status 0).
 * - `retry`: failed, next attempt at `dueAt` (status 1).
 * - `fail`: no more attempts (status 2): retries exhausted, 410, manual attempt failed, endpoint disabled.
 * - `release`: handed back untried (throttled, shutting down) for `dueAt`; no attempt is counted.
 *
 * @example const next: DeliveryNext = status === 410 ? "fail" : "retry";
 */
export type DeliveryNext = "success" | "retry" | "fail" | "release";

/**
 * One outcome for the queue to record (see {@link recordResults}).
 *
 * @example const result: DeliveryResult = { deliveryId, endpointId, owner, next: "retry", dueAt: now + 5_000, at: now, attempt };
 */
export interface DeliveryResult {
  deliveryId: string;
  endpointId: string;
  /** The claiming worker; the delivery row is only updated while it still holds the lease. */
  owner: string;
  next: DeliveryNext;
  /** Required for `retry` and `release`. */
  dueAt?: number;
  /** When the outcome was decided (ms). */
  at: number;
  /** The id the attempt row gets (generated when absent), so what reports on it can name it. */
  attemptId?: string;
  /** The HTTP attempt that was made; absent when nothing was sent. */
  attempt?: Omit<AttemptRow, "id" | "delivery_id" | "endpoint_id" | "created_at">;
  /** The receiver answered 410 Gone: disable the endpoint. */
  gone?: boolean;
  /**
   * The endpoint's transformation cancelled the delivery (ADR 16): finished as `fail` with an
   * attempt row saying so, but nothing was sent, so the endpoint's health and circuit ignore it.
   */
  cancelled?: boolean;
}

/**
 * What {@link recordResults} managed to write.
 *
 * @example const { written, errors } = await queue.recordResults(results);
 */
export interface RecordSummary {
  /** Results written (some may have been fenced off by a lost lease: that is not an error). */
  written: number;
  /** Results that could not be written even one by one; their leases will expire and be re-claimed. */
  errors: { result: DeliveryResult; error: unknown }[];
  /** Circuit transitions and automatic disables committed with these results. */
  circuitChanges: CircuitChange[];
}

/**
 * A committed change of an endpoint's circuit, or its automatic disabling after
 * `disable_after_failures` consecutive failures (`state: "disabled"`).
 *
 * @example worker.onCircuitChange?.({ endpointId: "ep_…", appId: "app_…", state: "open", consecutiveFailures: 20, nextProbeAt: Date.now() + 30_000, at: Date.now() })
 */
export interface CircuitChange {
  endpointId: string;
  appId: string;
  state: "open" | "closed" | "disabled";
  consecutiveFailures: number;
  /** When an open circuit sends its probe (ms); null otherwise. */
  nextProbeAt: number | null;
  at: number;
}

/**
 * A written result with what the delivery looked like when it was claimed: what operational
 * events (`message.attempt.failing`, `…exhausted`, `…recovered`, `endpoint.disabled`) are
 * decided from, after the result's transaction committed.
 *
 * @example const outcome: RecordedOutcome = { result, priorAttempts: 3, priorStatusCode: 500, manual: false, endpointWasDisabled: false, endpointFailingSince: null };
 */
export interface RecordedOutcome {
  result: DeliveryResult;
  /** Attempts made before this one. */
  priorAttempts: number;
  /** The status code of the previous attempt (null: none, 0: no HTTP answer). */
  priorStatusCode: number | null;
  /** A resend or recover: a single shot, not part of the retry schedule. */
  manual: boolean;
  /** The endpoint was already disabled when the delivery was claimed. */
  endpointWasDisabled: boolean;
  /** The start of the endpoint's run of failures when the delivery was claimed (null: none). */
  endpointFailingSince: number | null;
}
