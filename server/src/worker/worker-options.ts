import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import type { AttemptOutcome } from "../delivery/attempt.js";
import type { Heartbeat } from "../lib/heartbeat.js";
import type { Keyring } from "../lib/keyring.js";
import type { Metrics } from "../lib/metrics.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { CircuitChange, DeliveryResult } from "../store/deliveries-repository.js";
import type { DeliveryQueue, OperationalEventsPort, PolicyLookup, ThrottleSlots, WebhookSender } from "./ports.js";
import type { Transformations } from "./transformation.js";

/* What a DeliveryWorker is built with and what it counts, apart from the loop itself. */

export interface DeliveryWorkerOptions {
  /** Where deliveries are leased from and their outcomes written (a `DeliveriesRepository`). */
  queue: DeliveryQueue;
  /** Sends the requests (a `DeliveryClient`); closed by stop(). */
  sender: WebhookSender;
  config: Config;
  /** Signalled by the API when it queued deliveries, so they go out without waiting for a poll. */
  wakeup: Wakeup;
  /** Opens the endpoints' sealed secrets and custom headers. */
  keyring: Keyring;
  /**
   * Where throttled deliveries reserve send slots: `SharedThrottleSlots` on PostgreSQL (one limit
   * across instances), one `LocalThrottleSlots` per process on SQLite. Defaults to a private
   * `LocalThrottleSlots`.
   */
  slots?: ThrottleSlots;
  /** Application throttles and event-type/application retry schedules (`DeliveryPolicyCache`); without it only endpoint-level policies apply. */
  policies?: PolicyLookup;
  /** Endpoint transformations (ADR 16): the cached code lookup and the sandbox; without it deliveries go as stored. */
  transformations?: Transformations;
  logger?: Logger;
  /** Lease owner name; unique per worker. Defaults to host:pid:random. */
  owner?: string;
  metrics?: Pick<Metrics, "deliveryAttempts" | "deliveryDuration" | "circuitTransitions" | "fanoutLag" | "messagesExpanded">;
  /** Beaten after every claim round that answered, for the health report. */
  heartbeat?: Heartbeat;
  /** Called for every decided delivery (before it is written), e.g. for tests or live views. */
  onResult?: (result: DeliveryResult, outcome: AttemptOutcome | undefined) => void;
  /** Told of every written outcome, for operational webhooks (after its transaction committed). */
  operationalEvents?: OperationalEventsPort;
  /**
   * Called after an endpoint's circuit opened or closed, or the endpoint was disabled after
   * `disableAfterFailures` consecutive failures (`state: "disabled"`), once that is committed.
   * For operational webhooks; a throwing listener is logged and ignored.
   */
  onCircuitChange?: (change: CircuitChange) => void;
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
  /** Deliveries handed back untried, almost always because their endpoint's or application's throttle had no slot. */
  released: number;
  /** Results that could not be written (their leases expire and they are sent again). */
  writeErrors: number;
}
