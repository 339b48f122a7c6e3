import type { Store } from "../store/database.js";
import { expandMessages } from "../store/queue/expand.js";

/**
 * Runs the worker's fan-out step (ADR 0022) until no committed message is left unexpanded, for
 * tests that drive the API or the services without a worker and then look at deliveries.
 * Returns the delivery rows written.
 *
 * @example await t.app.inject({ method: "POST", url: `/api/v1/app/${app}/msg`, … }); await expandAll(t.store);
 */
export async function expandAll(store: Pick<Store, "db" | "dialect" | "atomic" | "fanoutCache">): Promise<number> {
  let deliveries = 0;
  for (;;) {
    const result = await expandMessages(store, { owner: "test-expander", now: Date.now(), leaseMs: 60_000, limit: 500 });
    deliveries += result.deliveries;
    if (result.claimed === 0) return deliveries;
  }
}
