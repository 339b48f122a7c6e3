import { z } from "zod";

import { Metadata } from "./common.js";

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
