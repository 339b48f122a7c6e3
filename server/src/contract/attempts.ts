import { z } from "zod";

import { Channel, EventTypeName, Name, Timestamp } from "./common.js";
import { DELIVERY_STATUS_CODES, DELIVERY_STATUS_NAMES } from "./delivery-status.js";
import { MessageOut, MessageParams } from "./messages.js";

/**
 * Svix's MessageStatus as an integer: 0 success, 1 pending, 2 fail, 3 sending. Newer SDKs also
 * know 4 (canceled); Hookrelay never produces it, so filtering on it simply finds nothing.
 */
export const MessageStatus = z.literal(DELIVERY_STATUS_CODES);
export const MessageStatusText = z.enum(DELIVERY_STATUS_NAMES);
export type MessageStatusText = z.output<typeof MessageStatusText>;

/** 0 = scheduled, 1 = manual (resend / recover). */
export const MessageAttemptTriggerType = z.literal([0, 1]);

/**
 * A query parameter holding one of a few integers. Plain `z.coerce.number()` would read an
 * empty `?status=` as 0 (success), so digits are required first.
 */
function intQuery<const T extends readonly [number, ...number[]]>(values: T) {
  return z
    .string()
    .regex(/^\d{1,4}$/, "expected an integer")
    .meta({ example: String(values[0]) })
    .transform(Number)
    .pipe(z.literal(values));
}

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true"));

/**
 * `event_types`: the JS SDK sends `a,b`, other clients repeat the parameter; both are accepted.
 *
 * @example EventTypesQuery.parse(["a,b", "c"]) // ["a", "b", "c"]
 */
export const EventTypesQuery = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).filter((s) => s !== ""))
  .pipe(z.array(Name).max(100))
  .meta({ example: "invoice.paid,invoice.voided" });

/** Filters shared by both attempt listings, as Svix names them. */
const attemptFilters = {
  limit: z.coerce.number().int().min(1).max(250).default(50),
  iterator: z.string().max(256).optional(),
  status: intQuery([0, 1, 2, 3, 4]).optional(),
  /** 0 = no HTTP status (0–99), 100 … 500 = that class of status codes. */
  status_code_class: intQuery([0, 100, 200, 300, 400, 500]).optional(),
  channel: Channel.optional(),
  tag: Name.max(128).meta({ example: "billing" }).optional(),
  event_types: EventTypesQuery.optional(),
  before: Timestamp.optional(),
  after: Timestamp.optional(),
  /** Default true; false replaces each attempt's response body (and `msg.payload`) with `{}`. */
  with_content: bool(true),
  /** Default false; true adds the attempted message as `msg` to every attempt. */
  with_msg: bool(false),
  /** Sent by every recent SDK; Hookrelay's statuses are always the expanded set, so it is ignored. */
  expanded_statuses: z.string().optional(),
};

/**
 * Query of `GET /api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}`.
 *
 * @example AttemptListQuery.parse({ status: "2", with_msg: "true" })
 */
export const AttemptListQuery = z.object(attemptFilters);
export type AttemptListQuery = z.output<typeof AttemptListQuery>;

/** Query of `GET /api/v1/app/{app_id}/attempt/msg/{msg_id}`: adds the endpoint filter. */
export const AttemptByMsgListQuery = z.object({
  ...attemptFilters,
  endpoint_id: z.string().min(1).max(256).optional(),
});
export type AttemptByMsgListQuery = z.output<typeof AttemptByMsgListQuery>;

/** Query of `GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/msg`. */
export const AttemptedMessageListQuery = z.object({
  limit: attemptFilters.limit,
  iterator: attemptFilters.iterator,
  status: attemptFilters.status,
  channel: attemptFilters.channel,
  tag: attemptFilters.tag,
  event_types: attemptFilters.event_types,
  before: attemptFilters.before,
  after: attemptFilters.after,
  /** Default true; false returns each message with an empty payload. */
  with_content: bool(true),
  expanded_statuses: attemptFilters.expanded_statuses,
});
export type AttemptedMessageListQuery = z.output<typeof AttemptedMessageListQuery>;

/** Query of `GET /api/v1/app/{app_id}/msg/{msg_id}/endpoint`. */
export const DestinationListQuery = z.object({
  limit: attemptFilters.limit,
  iterator: attemptFilters.iterator,
});
export type DestinationListQuery = z.output<typeof DestinationListQuery>;

const id = z.string().min(1).max(256);
/** `{app_id}/msg/{msg_id}/attempt/{attempt_id}` */
export const AttemptParams = MessageParams.extend({ attempt_id: id });
/** `{app_id}/msg/{msg_id}/endpoint/{endpoint_id}` */
export const MessageEndpointParams = MessageParams.extend({ endpoint_id: id });

/** One HTTP request made for a delivery, as Svix's MessageAttemptOut. */
export const MessageAttemptOut = z.object({
  id: z.string(),
  msgId: z.string(),
  endpointId: z.string(),
  url: z.string(),
  /** The response body as received (cut to the configured maximum), `EXPUNGED` once expunged. */
  response: z.string(),
  responseStatusCode: z.number().int(),
  responseDurationMs: z.number().int(),
  status: MessageStatus,
  statusText: MessageStatusText,
  triggerType: MessageAttemptTriggerType,
  timestamp: z.string(),
  /** Only with `with_msg=true`. */
  msg: MessageOut.optional(),
});
export type MessageAttemptOut = z.output<typeof MessageAttemptOut>;

/** Delivery state of one (message, endpoint) pair, added to the endpoint or message it describes. */
const deliveryState = {
  status: MessageStatus,
  statusText: MessageStatusText,
  /** When the next attempt is due; null once the delivery succeeded or failed for good. */
  nextAttempt: z.string().nullable(),
};

/** An endpoint a message was (or is being) delivered to: list-attempted-destinations. */
export const MessageEndpointOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  disabled: z.boolean(),
  /** Newer SDKs read `filterTypes`, the reference schema names it `eventTypes`; both are sent. */
  filterTypes: z.array(z.string()).nullable(),
  eventTypes: z.array(z.string()).nullable(),
  channels: z.array(z.string()).nullable(),
  rateLimit: z.number().nullable(),
  throttleRate: z.number().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  ...deliveryState,
});
export type MessageEndpointOut = z.output<typeof MessageEndpointOut>;

/** A message sent (or being sent) to an endpoint: list-attempted-messages. */
export const EndpointMessageOut = MessageOut.extend(deliveryState);
export type EndpointMessageOut = z.output<typeof EndpointMessageOut>;

/**
 * Body of `POST …/endpoint/{endpoint_id}/recover`: failed deliveries of messages created in
 * `[since, until)` are sent again. Unlike Svix, `since` may be older than 14 days: the
 * recovery runs in bounded batches, so its size costs time but not a long transaction.
 *
 * @example RecoverIn.parse({ since: "2024-05-01T00:00:00Z" })
 */
export const RecoverIn = z.object({
  since: Timestamp,
  until: Timestamp.nullish(),
});
export type RecoverIn = z.output<typeof RecoverIn>;

/** What recover answers (202): the task, running in the worker (`GET /api/v1/background-task/{id}`). */
export { TaskStartOut as RecoverOut } from "./background-tasks.js";

/** Query of `GET …/endpoint/{endpoint_id}/stats`; `since` defaults to 28 days ago, as in Svix. */
export const EndpointStatsQuery = z.object({
  since: Timestamp.optional(),
  until: Timestamp.optional(),
});
export type EndpointStatsQuery = z.output<typeof EndpointStatsQuery>;

/** Deliveries to one endpoint by status. `canceled` is always 0: Hookrelay never cancels. */
export const EndpointStats = z.object({
  success: z.number().int(),
  pending: z.number().int(),
  sending: z.number().int(),
  fail: z.number().int(),
  canceled: z.number().int(),
});
export type EndpointStats = z.output<typeof EndpointStats>;

/**
 * Body of `POST …/endpoint/{endpoint_id}/send-example`.
 *
 * @example EventExampleIn.parse({ eventType: "invoice.paid" })
 */
export const EventExampleIn = z.object({ eventType: EventTypeName });
export type EventExampleIn = z.output<typeof EventExampleIn>;

/** `{}`: the body of 202 answers that have nothing to say. */
export const EmptyResponse = z.object({});
