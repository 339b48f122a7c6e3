import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely";

import type { Config } from "../../config/config.js";
import { CircuitState, type Database } from "../schema.js";
import type { CircuitChange, DeliveryResult } from "./delivery-result.js";

/**
 * When an endpoint's circuit opens and how long it stays open (the `HOOKRELAY_CIRCUIT_*` keys).
 *
 * @example const policy: CircuitPolicy = { failureThreshold: 20, failureRatePercent: 80, windowMs: 60_000, minAttempts: 20, cooldownMs: 30_000, maxCooldownMs: 900_000 };
 */
export interface CircuitPolicy {
  /** Consecutive failed attempts that open the circuit; 0 = never on a count. */
  failureThreshold: number;
  /** Failed share of the attempts in the window (percent) that opens it; 0 = never on a rate. */
  failureRatePercent: number;
  windowMs: number;
  /** Attempts the window must hold before its rate counts. */
  minAttempts: number;
  /** The first cool-down; it doubles after each failed probe, up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/**
 * The policy the `HOOKRELAY_CIRCUIT_*` keys describe, or undefined when neither rule can open
 * a circuit (threshold and rate both 0).
 *
 * @example new DeliveriesRepository(store, { endpointDisableAfterMs, circuit: circuitPolicy(config) })
 */
export function circuitPolicy(config: Config): CircuitPolicy | undefined {
  if (config.circuitFailureThreshold === 0 && config.circuitFailureRatePercent === 0) return undefined;
  return {
    failureThreshold: config.circuitFailureThreshold,
    failureRatePercent: config.circuitFailureRatePercent,
    windowMs: config.circuitWindowSeconds * 1000,
    minAttempts: config.circuitMinAttempts,
    cooldownMs: config.circuitCooldownSeconds * 1000,
    maxCooldownMs: Math.max(config.circuitCooldownSeconds, config.circuitMaxCooldownSeconds) * 1000,
  };
}

/** The columns the transition statements return, to build a {@link CircuitChange}. */
export interface CircuitChangeRow {
  id: string;
  app_id: string;
  circuit_state: number;
  consecutive_failures: number;
  circuit_next_probe_at: number | null;
}

/** What one endpoint's results of a batch tell the breaker. */
export interface BatchFacts {
  attempted: DeliveryResult[];
  /** The batch holds at least one successful attempt. */
  anySuccess: boolean;
  /** Its last attempt (by time) succeeded. */
  endsOk: boolean;
  /** Failed attempts after its last success (all of them when there was none). */
  trailingFailures: number;
  failures: number;
  firstAt: number;
  lastAt: number;
}

/**
 * The counters of the breaker's two rules, to fold into the endpoint's health statement:
 * `consecutive_failures` (reset by a success, else increased), and the failure-rate window.
 * A window is only kept while there are failures to count: it starts at the first failure
 * after the previous window ran out, so a healthy endpoint writes nothing.
 *
 * @example sql`UPDATE endpoints SET ${circuitCounters(facts, policy)}, … WHERE id = ${id}`
 */
export function circuitCounters(facts: BatchFacts, windowMs: number): RawBuilder<unknown> {
  const { attempted, anySuccess, trailingFailures, failures, firstAt } = facts;
  const consecutive = anySuccess ? sql`${trailingFailures}` : sql`consecutive_failures + ${failures}`;
  // A window older than windowMs is over: a new one starts at this batch's first failure.
  const expired = sql`(window_started_at IS NULL OR window_started_at <= ${firstAt - windowMs})`;
  if (failures === 0) {
    return sql`consecutive_failures = 0,
      window_attempts = CASE WHEN ${expired} THEN 0 ELSE window_attempts + ${attempted.length} END,
      window_failures = CASE WHEN ${expired} THEN 0 ELSE window_failures END,
      window_started_at = CASE WHEN ${expired} THEN NULL ELSE window_started_at END`;
  }
  const firstFailure = attempted.find((r) => r.next !== "success")!.at;
  const countedFrom = attempted.filter((r) => r.at >= firstFailure).length;
  return sql`consecutive_failures = ${consecutive},
    window_attempts = CASE WHEN ${expired} THEN ${countedFrom} ELSE window_attempts + ${attempted.length} END,
    window_failures = CASE WHEN ${expired} THEN ${failures} ELSE window_failures + ${failures} END,
    window_started_at = CASE WHEN ${expired} THEN ${firstFailure} ELSE window_started_at END`;
}

/**
 * The breaker's transitions for one endpoint's results of a batch, run after its counters were
 * folded (the statements read the new values), each returning the rows it changed:
 * - any state → closed on a success that proves the endpoint answers again (the probe of a
 *   half-open circuit, or the last attempt of the batch);
 * - closed → open when the batch ends with a failure and a rule trips; half-open → open when
 *   its probe failed. The cool-down doubles with each opening in a row, up to the maximum;
 * - disabled when `disable_after_failures` consecutive attempts have failed.
 * An open circuit's late failures (sent before it opened) change nothing: only its probe decides.
 *
 * @example const queries = circuitTransitionQueries(db, "ep_…", facts, policy);
 */
export function circuitTransitionQueries(
  db: Kysely<Database>,
  endpointId: string,
  facts: BatchFacts,
  policy: CircuitPolicy | undefined,
): { query: CompiledQuery; disables: boolean }[] {
  const { closed, open, halfOpen } = CircuitState;
  const returning = sql`RETURNING id, app_id, circuit_state, consecutive_failures, circuit_next_probe_at`;
  const queries: { query: CompiledQuery; disables: boolean }[] = [];
  const reset = sql`circuit_opens = 0, circuit_next_probe_at = NULL,
    window_started_at = NULL, window_attempts = 0, window_failures = 0`;
  if (facts.anySuccess) {
    const closes = facts.endsOk ? sql`circuit_state <> ${closed}` : sql`circuit_state = ${halfOpen}`;
    const query = sql`UPDATE endpoints SET circuit_state = ${closed}, ${reset}
      WHERE id = ${endpointId} AND ${closes} ${returning}`.compile(db);
    queries.push({ query, disables: false });
  }
  if (!facts.endsOk) {
    const trips = tripCondition(policy);
    if (policy && trips) {
      const opens = facts.anySuccess
        ? sql`circuit_state = ${closed} AND ${trips}`
        : sql`((circuit_state = ${closed} AND ${trips}) OR circuit_state = ${halfOpen})`;
      const query = sql`UPDATE endpoints SET
          circuit_state = ${open},
          circuit_next_probe_at = CAST(${facts.lastAt} AS BIGINT) + ${cooldownByOpenings(policy)},
          circuit_opens = circuit_opens + 1,
          window_started_at = NULL, window_attempts = 0, window_failures = 0
        WHERE id = ${endpointId} AND ${opens} ${returning}`.compile(db);
      queries.push({ query, disables: false });
    }
    const query = sql`UPDATE endpoints SET disabled = 1, updated_at = ${facts.lastAt}
      WHERE id = ${endpointId} AND disabled = 0 AND disable_after_failures IS NOT NULL
        AND consecutive_failures >= disable_after_failures ${returning}`.compile(db);
    queries.push({ query, disables: true });
  }
  return queries;
}

/** The facts of one endpoint's results, or undefined when none was an attempt. @example batchFacts(results) */
export function batchFacts(results: DeliveryResult[]): BatchFacts | undefined {
  const attempted = results.filter((r) => r.attempt).sort((a, b) => a.at - b.at);
  const last = attempted[attempted.length - 1];
  if (!last) return undefined;
  let trailingFailures = 0;
  for (let i = attempted.length - 1; i >= 0 && attempted[i]!.next !== "success"; i--) trailingFailures++;
  const failures = attempted.filter((r) => r.next !== "success").length;
  return {
    attempted,
    anySuccess: failures < attempted.length,
    endsOk: last.next === "success",
    trailingFailures,
    failures,
    firstAt: attempted[0]!.at,
    lastAt: last.at,
  };
}

/** A row returned by a transition statement as the change it reports. @example toCircuitChange(row, Date.now()) */
export function toCircuitChange(row: CircuitChangeRow, disabled: boolean, at: number): CircuitChange {
  return {
    endpointId: row.id,
    appId: row.app_id,
    state: disabled ? "disabled" : row.circuit_state === CircuitState.open ? "open" : "closed",
    consecutiveFailures: Number(row.consecutive_failures),
    nextProbeAt: row.circuit_state === CircuitState.open ? Number(row.circuit_next_probe_at) : null,
    at,
  };
}

function tripCondition(policy: CircuitPolicy | undefined): RawBuilder<boolean> | undefined {
  if (!policy) return undefined;
  const rules: RawBuilder<boolean>[] = [];
  if (policy.failureThreshold > 0) rules.push(sql`consecutive_failures >= ${policy.failureThreshold}`);
  if (policy.failureRatePercent > 0) {
    rules.push(
      sql`(window_attempts >= ${policy.minAttempts} AND window_failures * 100 >= ${policy.failureRatePercent} * window_attempts)`,
    );
  }
  if (rules.length === 0) return undefined;
  return sql`(${sql.join(rules, sql` OR `)})`;
}

/**
 * The cool-down for the next opening, as a CASE over `circuit_opens` (how many times it opened
 * in a row): SQLite has no POWER without its math extension, and the list is short — from 30 s
 * to 15 min the doubling takes six steps.
 */
function cooldownByOpenings(policy: CircuitPolicy): RawBuilder<number> {
  const steps: RawBuilder<unknown>[] = [];
  let cooldown = Math.round(policy.cooldownMs);
  for (let n = 0; cooldown < policy.maxCooldownMs && n < 40; n++, cooldown *= 2) {
    steps.push(sql`WHEN ${sql.lit(n)} THEN ${sql.lit(cooldown)}`);
  }
  const max = sql.lit(Math.round(policy.maxCooldownMs));
  return steps.length === 0 ? sql`${max}` : sql`(CASE circuit_opens ${sql.join(steps, sql` `)} ELSE ${max} END)`;
}
