import { z } from "zod";

import { Metadata } from "./common.js";

/**
 * The operational event types: Svix's names and payloads where Svix has the event, ours
 * (`endpoint.circuit_*`, `inbound.source.failing`) otherwise. Documented in the README; the
 * dashboard offers them as the endpoint's filter.
 */
export const OPERATIONAL_EVENT_TYPES = [
  "endpoint.created",
  "endpoint.updated",
  "endpoint.deleted",
  "endpoint.disabled",
  "endpoint.enabled",
  "message.attempt.failing",
  "message.attempt.exhausted",
  "message.attempt.recovered",
  "endpoint.circuit_opened",
  "endpoint.circuit_closed",
  "inbound.source.failing",
] as const;
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/**
 * An operational-webhook endpoint as Svix returns it (`OperationalWebhookEndpointOut`), with the
 * event type filter also under its older name `filterTypes`. Requests use the endpoint bodies
 * (`EndpointIn`, `EndpointUpdate`, …), which accept everything Svix's operational ones do.
 *
 * @example { id: "ep_…", url: "https://ops.example.com/hook", eventTypes: ["endpoint.disabled"], disabled: false, … }
 */
export const OperationalWebhookEndpointOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  disabled: z.boolean(),
  /** The operational event types sent to this endpoint; null = all. */
  eventTypes: z.array(z.string()).nullable(),
  filterTypes: z.array(z.string()).nullable(),
  metadata: Metadata,
  throttleRate: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OperationalWebhookEndpointOut = z.output<typeof OperationalWebhookEndpointOut>;

export const OperationalEndpointParams = z.object({ endpoint_id: z.string().min(1).max(256) });
