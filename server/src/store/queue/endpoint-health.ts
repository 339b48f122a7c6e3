import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely";

import type { Database } from "../schema.js";
import type { DeliveryResult } from "./delivery-result.js";
import { batchFacts, circuitCounters } from "./endpoint-circuit.js";

/**
 * The statement that folds one endpoint's results of a batch into its health, or `undefined`
 * when there is nothing to write.
 *
 * `first_failure_at` marks the start of the current run of failures: cleared by a success,
 * set by the first failure after one. An endpoint is disabled when it answers 410, or when
 * that run has lasted `disableAfterMs`. Results are folded per endpoint so a batch of
 * a thousand deliveries to one endpoint costs one statement, and a healthy endpoint none.
 * The same statement folds in the circuit breaker's counters (consecutive failures, the
 * failure-rate window: {@link circuitCounters}); its transitions follow in their own statements.
 *
 * @example const query = endpointHealthQuery(db, "ep_…", resultsOfThatEndpoint, 5 * 86_400_000, 60_000);
 */
export function endpointHealthQuery(
  db: Kysely<Database>,
  endpointId: string,
  results: DeliveryResult[],
  disableAfterMs: number,
  circuitWindowMs: number,
): CompiledQuery | undefined {
  const facts = batchFacts(results);
  if (!facts) return undefined;
  const { attempted } = facts;
  const counters = circuitCounters(facts, circuitWindowMs);
  const gone = attempted.some((r) => r.gone);
  let lastSuccessAt: number | undefined;
  for (const r of attempted) if (r.next === "success") lastSuccessAt = r.at;
  const failuresSince = attempted.filter(
    (r) => r.next !== "success" && (lastSuccessAt === undefined || r.at > lastSuccessAt),
  );
  const firstFailure = failuresSince[0]?.at;
  const lastFailure = failuresSince[failuresSince.length - 1]?.at;

  if (firstFailure === undefined || lastFailure === undefined) {
    // Healthy: only write when there is a failure run (or a failure-rate window) to end.
    return sql`
      UPDATE endpoints SET first_failure_at = NULL, ${counters}
      WHERE id = ${endpointId}
        AND (first_failure_at IS NOT NULL OR consecutive_failures <> 0 OR window_started_at IS NOT NULL)
    `.compile(db);
  }

  // A success inside this batch ended the stored run; otherwise the stored run continues.
  const runStart: RawBuilder<number> =
    lastSuccessAt === undefined ? sql`COALESCE(first_failure_at, ${firstFailure})` : sql`${firstFailure}`;
  const disable = sql<boolean>`(${gone ? 1 : 0} = 1 OR ${runStart} <= ${lastFailure - disableAfterMs})`;
  return sql`
    UPDATE endpoints SET
      ${counters},
      first_failure_at = ${runStart},
      updated_at = CASE WHEN disabled = 0 AND ${disable} THEN ${lastFailure} ELSE updated_at END,
      disabled = CASE WHEN ${disable} THEN 1 ELSE disabled END
    WHERE id = ${endpointId}
  `.compile(db);
}
