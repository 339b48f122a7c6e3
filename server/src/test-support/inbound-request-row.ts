import { newId } from "../lib/ids.js";
import type { InboundRequestRow } from "../store/schema.js";

/**
 * A logged inbound request as the repositories store it: an accepted Stripe call with a small
 * non-ASCII body, received now, unless `overrides` say otherwise.
 *
 * @example await requests.insertBatch([inboundRequestRow(app.id, src.id, { dedupe_key: "evt_1" })]);
 */
export function inboundRequestRow(
  appId: string,
  sourceId: string,
  overrides: Partial<InboundRequestRow> = {},
): InboundRequestRow {
  return {
    id: newId("req"),
    source_id: sourceId,
    app_id: appId,
    provider: "stripe",
    status: "accepted",
    reason: null,
    provider_event_type: "invoice.paid",
    event_id: null,
    dedupe_key: null,
    dedupe_until: null,
    msg_id: null,
    source_ip: "127.0.0.1",
    headers: JSON.stringify({ "content-type": "application/json" }),
    body: '{"émoji":"🧾"}',
    body_encoding: "utf8",
    body_truncated: 0,
    size: 14,
    processing_ms: 1.25,
    received_at: Date.now(),
    retried_at: null,
    ...overrides,
  };
}
