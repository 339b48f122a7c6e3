import { Iso } from "../contract/common.js";
import type { PollingEndpointMessageOut } from "../contract/poller.js";
import { parseJson } from "../lib/json.js";
import { rawJson } from "../lib/raw-json.js";
import type { MessageRow } from "../store/schema.js";

/**
 * The payload of a polled message, from its stored text. The one place a poll response turns
 * stored payload text into output, so a change of payload storage changes only this function.
 * An expunged payload (null) reads as `{}`, as in the message API.
 *
 * @example pollPayload('{"a":1}') // a raw-JSON marker: the response carries {"a":1} as stored
 */
export function pollPayload(stored: string | null): unknown {
  // Written into the response verbatim by the API's serializer: the payload as it was sent.
  return stored === null ? {} : rawJson(stored);
}

/**
 * A stored message as a polling endpoint returns it (Svix's PollingEndpointMessageOut).
 *
 * @example toPollingMessageOut(row).eventType // "invoice.paid"
 */
export function toPollingMessageOut(row: MessageRow): PollingEndpointMessageOut {
  return {
    id: row.id,
    eventType: row.event_type,
    eventId: row.event_id,
    payload: pollPayload(row.payload),
    channels: parseJson<string[] | null>(row.channels, null),
    tags: parseJson<string[] | null>(row.tags, null),
    deliverAt: row.deliver_at !== null ? Iso(row.deliver_at) : null,
    timestamp: Iso(row.created_at),
    headers: null,
  };
}
