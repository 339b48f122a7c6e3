import { z } from "zod";

import { Channel, EventTypeName, Timestamp } from "./common.js";

// Svix's bounds on transformation code (EndpointTransformationPatch.code).
const Code = z.string().min(10).max(51_200);
// Svix reserves `variables` for future use; accepted and stored nowhere, as it does.
const Variables = z.record(z.string(), z.string()).nullish();

/** `PATCH …/endpoint/{id}/transformation` (Svix's EndpointTransformationPatch / the deprecated EndpointTransformationIn). */
export const EndpointTransformationPatch = z.object({
  /** The handler's source; null removes it. Absent: kept. */
  code: Code.nullish(),
  enabled: z.boolean().optional(),
  variables: Variables,
});
export type EndpointTransformationPatch = z.output<typeof EndpointTransformationPatch>;

/** `GET …/endpoint/{id}/transformation` (Svix's EndpointTransformationOut). */
export const EndpointTransformationOut = z.object({
  code: z.string().nullable(),
  enabled: z.boolean(),
  /** When the transformation was last changed; null when it never was. */
  updatedAt: Timestamp.nullable(),
});
export type EndpointTransformationOut = z.output<typeof EndpointTransformationOut>;

/** `POST …/endpoint/{id}/transformation/simulate` (Svix's TransformationSimulateIn). */
export const TransformationSimulateIn = z.object({
  code: Code,
  eventType: EventTypeName,
  channels: z.array(Channel).max(10).nullish(),
  payload: z.record(z.string(), z.unknown()),
  variables: Variables,
});
export type TransformationSimulateIn = z.output<typeof TransformationSimulateIn>;

/**
 * What the delivery would be (Svix's TransformationSimulateOut: `url`, `payload` as the JSON
 * text that would be sent and signed, `method`, `cancel`), plus Hookrelay's `eventType` and
 * the `headers` the handler added.
 */
export const TransformationSimulateOut = z.object({
  url: z.string(),
  payload: z.string(),
  method: z.enum(["POST", "PUT", "PATCH"]),
  cancel: z.boolean(),
  eventType: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type TransformationSimulateOut = z.output<typeof TransformationSimulateOut>;
