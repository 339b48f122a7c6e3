import type { Kysely } from "kysely";

import type { Database } from "./schema.js";

/**
 * The id of the internal application whose endpoints are the operational-webhook endpoints.
 * Operational events are messages in it, so they are queued, signed, retried and logged by the
 * same pipeline as every other delivery (ADR 10). It is never listed, resolved or edited through
 * the application routes; the id has the shape of any other (`app_` + 27 characters).
 *
 * @example if (row.app_id === OPERATIONAL_APP_ID) return; // never report on our own endpoints
 */
export const OPERATIONAL_APP_ID = "app_hookrelayOperationalWebhook";

/**
 * Creates the operational application if it does not exist yet (first operational endpoint).
 * Concurrent callers are fine: the insert ignores the conflict.
 *
 * @example await ensureOperationalApp(db, Date.now());
 */
export async function ensureOperationalApp(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .insertInto("applications")
    .values({
      id: OPERATIONAL_APP_ID,
      uid: null,
      name: "Hookrelay operational webhooks",
      metadata: "{}",
      throttle_rate: null,
      internal: "operational",
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}
