import type {
  EndpointMessageOut,
  MessageAttemptOut,
  MessageEndpointOut,
  MessageStatusText,
} from "../contract/attempts.js";
import { Iso } from "../contract/common.js";
import { DELIVERY_STATUS, type DeliveryStatusCode, deliveryStatusName } from "../contract/delivery-status.js";
import type { AttemptedMessageRow, DeliveryState, DestinationRow } from "../store/attempts-repository.js";
import type { AttemptRow } from "../store/schema.js";
import { toEndpointOut } from "./endpoint-out.js";
import { toMessageOut } from "./messages.js";

// Attempts and deliveries in the API's shape: the status as Svix's number and text.

type Status = DeliveryStatusCode;

/** A stored status as the API's integer enum and its text. */
function statusOf(status: number): { status: Status; statusText: MessageStatusText } {
  const text = deliveryStatusName(status);
  if (text === undefined) throw new Error(`unknown delivery status ${status}`);
  return { status: status as Status, statusText: text };
}

/**
 * The delivery part of MessageEndpointOut / EndpointMessageOut. Only a pending delivery has a
 * next attempt; while sending, `due_at` is the lease expiry, which is not an attempt time.
 */
function deliveryOut(d: DeliveryState): {
  status: Status;
  statusText: MessageStatusText;
  nextAttempt: string | null;
} {
  return {
    ...statusOf(d.status),
    nextAttempt: d.status === DELIVERY_STATUS.pending && d.due_at !== null ? Iso(d.due_at) : null,
  };
}

/**
 * One attempt in the API's shape; `withContent: false` hides the response body as Svix does.
 *
 * @example toAttemptOut(row, false).response // "{}"
 */
export function toAttemptOut(row: AttemptRow, withContent = true): MessageAttemptOut {
  return {
    id: row.id,
    msgId: row.msg_id,
    endpointId: row.endpoint_id,
    url: row.url,
    response: withContent ? row.response : "{}",
    responseStatusCode: row.response_status_code,
    responseDurationMs: row.response_duration_ms,
    ...statusOf(row.status),
    triggerType: row.trigger_type === 1 ? 1 : 0,
    timestamp: Iso(row.created_at),
  };
}

/**
 * An endpoint a message was routed to, with where its delivery stands.
 *
 * @example toDestinationOut(row).statusText // "pending"
 */
export function toDestinationOut(row: DestinationRow): MessageEndpointOut {
  return { ...toEndpointOut(row), ...deliveryOut(row) };
}

/**
 * A message sent to an endpoint, with where its delivery stands.
 *
 * @example toAttemptedMessageOut(row, false).payload // {}
 */
export function toAttemptedMessageOut(row: AttemptedMessageRow, withContent: boolean): EndpointMessageOut {
  return { ...toMessageOut(row, withContent), ...deliveryOut(row) };
}
