import { type CompiledQuery, type Kysely, type RawBuilder, sql } from "kysely";

import type { Database } from "../schema.js";
import type { DeliveryResult } from "./delivery-result.js";

/**
 * The statement that folds one endpoint's results of a batch into its health, or `undefined`
 * when there is nothing to write.
 *
 * `first_failure_at` marks the start of the current run of failures: cleared by a success,
 * set by the first failure after one. An endpoint is disabled when it answers 410, or when
 * that run has lasted `disableAfterMs`. Results are folded per endpoint so a batch of
 * a thousand deliveries to one endpoint costs one statement, and a healthy endpoint none.
 *
 * @example const query = endpointHealthQuery(db, "ep_…", resultsOfThatEndpoint, 5 * 86_400_000);
 */
export function endpointHealthQuery(
  db: Kysely<Database>,
  endpointId: string,
  results: DeliveryResult[],
  disableAfterMs: number,
): CompiledQuery | undefined {
  const attempted = results.filter((r) => r.attempt).sort((a, b) => a.at - b.at);
  if (attempted.length === 0) return undefined;
  const gone = attempted.some((r) => r.gone);
  let lastSuccessAt: number | undefined;
  for (const r of attempted) if (r.next === "success") lastSuccessAt = r.at;
  const failuresSince = attempted.filter(
    (r) => r.next !== "success" && (lastSuccessAt === undefined || r.at > lastSuccessAt),
  );
  const firstFailure = failuresSince[0]?.at;
  const lastFailure = failuresSince[failuresSince.length - 1]?.at;

  if (firstFailure === undefined || lastFailure === undefined) {
    // Healthy: only write when there is a failure run to end.
    return db
      .updateTable("endpoints")
      .set({ first_failure_at: null })
      .where("id", "=", endpointId)
      .where("first_failure_at", "is not", null)
      .compile();
  }

  // A success inside this batch ended the stored run; otherwise the stored run continues.
  const runStart: RawBuilder<number> =
    lastSuccessAt === undefined ? sql`COALESCE(first_failure_at, ${firstFailure})` : sql`${firstFailure}`;
  const disable = sql<boolean>`(${gone ? 1 : 0} = 1 OR ${runStart} <= ${lastFailure - disableAfterMs})`;
  return sql`
    UPDATE endpoints SET
      first_failure_at = ${runStart},
      updated_at = CASE WHEN disabled = 0 AND ${disable} THEN ${lastFailure} ELSE updated_at END,
      disabled = CASE WHEN ${disable} THEN 1 ELSE disabled END
    WHERE id = ${endpointId}
  `.compile(db);
}
