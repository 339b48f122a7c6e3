import { z } from "zod";

import { AppParams, Channel, EventTypeName, Timestamp } from "./common.js";

/** `/poller/{sink_id}`: the polling endpoint, by endpoint id (`ep_…`) or uid. */
export const PollerParams = AppParams.extend({
  sink_id: z.string().min(1).max(256).meta({ description: "The polling endpoint's id (`ep_…`) or uid." }),
});
export type PollerParams = z.output<typeof PollerParams>;

/** `/poller/{sink_id}/consumer/{consumer_id}`: a consumer is named by its reader, nothing to create. */
export const PollerConsumerParams = PollerParams.extend({
  consumer_id: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[a-zA-Z0-9\-_.]+$/, "may contain only letters, digits, '-', '_' and '.'")
    .meta({
      description: "The reader's own name for itself; its position is kept per name.",
      example: "billing-sync",
    }),
});
export type PollerConsumerParams = z.output<typeof PollerConsumerParams>;

const Limit = z.coerce.number().int().min(1).max(250).default(50).describe("Messages per page (1–250).");
const Iterator = z.string().max(512).optional().describe("The `iterator` of the previous page.");

/** Query of `poll`, as the official SDKs send it (`event_type`, `channel`, `after`). */
export const PollerPollQuery = z.object({
  limit: Limit,
  iterator: Iterator,
  event_type: EventTypeName.optional().describe("Only messages of this event type."),
  channel: Channel.optional().describe("Only messages sent to this channel."),
  after: Timestamp.optional().describe(
    "Without an iterator: start with the messages created after this time.",
  ),
});
export type PollerPollQuery = z.output<typeof PollerPollQuery>;

export const PollerConsumerPollQuery = z.object({ limit: Limit, iterator: Iterator });
export type PollerConsumerPollQuery = z.output<typeof PollerConsumerPollQuery>;

/** One message as a polling endpoint returns it (Svix's PollingEndpointMessageOut). */
export const PollingEndpointMessageOut = z.object({
  id: z.string(),
  eventType: z.string(),
  eventId: z.string().nullable(),
  payload: z.unknown(),
  channels: z.array(z.string()).nullable(),
  tags: z.array(z.string()).nullable(),
  deliverAt: z.string().nullable(),
  timestamp: z.string(),
  headers: z.record(z.string(), z.string()).nullable(),
});
export type PollingEndpointMessageOut = z.output<typeof PollingEndpointMessageOut>;

/** A page of a polling endpoint: pass `iterator` back to read on; `done` when caught up. */
export const PollingEndpointOut = z.object({
  data: z.array(PollingEndpointMessageOut),
  iterator: z.string(),
  done: z.boolean(),
});
export type PollingEndpointOut = z.output<typeof PollingEndpointOut>;

export const PollingEndpointConsumerSeekIn = z.object({
  after: Timestamp.describe("The consumer reads on with the messages created after this time."),
});
export type PollingEndpointConsumerSeekIn = z.output<typeof PollingEndpointConsumerSeekIn>;

export const PollingEndpointConsumerSeekOut = z.object({ iterator: z.string() });
export type PollingEndpointConsumerSeekOut = z.output<typeof PollingEndpointConsumerSeekOut>;

/** A consumer's stored position (Hookrelay: shown on the dashboard's endpoint page). */
export const PollerConsumerOut = z.object({
  consumerId: z.string(),
  /** The consumer has acknowledged every message up to this message id (exclusive cursor). */
  position: z.string(),
  /** The creation time the position stands at. */
  positionTime: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PollerConsumerOut = z.output<typeof PollerConsumerOut>;

export const PollerConsumerListOut = z.object({ data: z.array(PollerConsumerOut) });
export type PollerConsumerListOut = z.output<typeof PollerConsumerListOut>;
