import { z } from "zod";

import { EventTypeEntry, EventTypeOut } from "./event-types.js";

/**
 * Svix's environment export format: what `environment.export` answers and `environment.import`
 * reads back. Hookrelay fills `eventTypes` (its whole catalogue, archived ones too, with their
 * schemas); `settings` (Svix's portal theming) has no Hookrelay counterpart and is null, and
 * `connectors` (Svix's transformation templates) is always empty.
 */
export const ENVIRONMENT_VERSION = 1;

/**
 * Body of `POST /api/v1/environment/import`. Import only adds or updates, as in Svix: event
 * types are created or replaced by name, nothing is deleted. `settings` is accepted and ignored;
 * non-empty `connectors` are refused rather than dropped.
 *
 * @example EnvironmentIn.parse({ eventTypes: [{ name: "invoice.paid", description: "Paid" }] })
 */
export const EnvironmentIn = z.object({
  eventTypes: z.array(EventTypeEntry).max(10_000).nullish(),
  settings: z.record(z.string(), z.unknown()).nullish(),
  connectors: z.array(z.record(z.string(), z.unknown())).max(0, "Hookrelay has no connectors (transformation templates); remove them from the document").nullish(),
});
export type EnvironmentIn = z.output<typeof EnvironmentIn>;

/**
 * Answer of `POST /api/v1/environment/export`.
 *
 * @example { version: 1, createdAt: "2026-01-15T09:30:00.000Z", eventTypes: [{ name: "invoice.paid", … }], settings: null, connectors: [] }
 */
export const EnvironmentOut = z.object({
  version: z.number().int(),
  createdAt: z.string(),
  eventTypes: z.array(EventTypeOut),
  settings: z.record(z.string(), z.unknown()).nullable(),
  connectors: z.array(z.record(z.string(), z.unknown())),
});
export type EnvironmentOut = z.output<typeof EnvironmentOut>;
