import { z } from "zod";

import { EventTypeName, ListQuery, Name } from "./common.js";

/** JSON schemas of an event type, keyed by version (`{ "1": { type: "object", … } }`). */
export const EventTypeSchemas = z.record(z.string(), z.unknown()).meta({
  example: {
    "1": {
      type: "object",
      properties: { invoiceId: { type: "string" }, amount: { type: "integer" } },
      required: ["invoiceId", "amount"],
    },
  },
});
export type EventTypeSchemas = z.output<typeof EventTypeSchemas>;

const queryBool = (fallback: boolean) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true"));

const fields = {
  description: z.string().max(8192).meta({ example: "An invoice was paid in full." }),
  archived: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  featureFlag: Name.meta({ example: "beta-billing" }).nullish(),
  /**
   * Newer SDKs send a list of flags. Only one flag is stored, so a longer list is refused
   * rather than silently cut down.
   */
  featureFlags: z
    .array(Name.meta({ example: "beta-billing" }))
    .max(1)
    .nullish(),
  /** Sent by newer SDKs; accepted for compatibility but not stored (always returned as null). */
  groupName: Name.meta({ example: "invoice" }).nullish(),
  schemas: EventTypeSchemas.nullish(),
};

/**
 * POST body.
 *
 * @example EventTypeIn.parse({ name: "invoice.paid", description: "An invoice was paid" })
 */
export const EventTypeIn = z.strictObject({ name: EventTypeName, ...fields });
export type EventTypeIn = z.output<typeof EventTypeIn>;

/**
 * An event type inside a larger document (an environment import): the fields of
 * {@link EventTypeIn}, other members (`createdAt`, `updatedAt` of an export) ignored, so an
 * export's event types import back as they are.
 *
 * @example EventTypeEntry.parse({ name: "invoice.paid", description: "Paid", createdAt: "…" })
 */
export const EventTypeEntry = z.object({ name: EventTypeName, ...fields });
export type EventTypeEntry = z.output<typeof EventTypeEntry>;

/** PUT body: every field of the event type except its name, which is in the path. */
export const EventTypeUpdate = z.strictObject(fields);
export type EventTypeUpdate = z.output<typeof EventTypeUpdate>;

/** PATCH body: absent fields are kept, `null` clears a nullable one. */
export const EventTypePatch = z.strictObject({ ...fields, description: fields.description.optional() });
export type EventTypePatch = z.output<typeof EventTypePatch>;

export const EventTypeOut = z.object({
  name: z.string(),
  description: z.string(),
  archived: z.boolean(),
  deprecated: z.boolean(),
  featureFlag: z.string().nullable(),
  featureFlags: z.array(z.string()).nullable(),
  groupName: z.string().nullable(),
  /** Null in listings unless `with_content=true`. */
  schemas: EventTypeSchemas.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EventTypeOut = z.output<typeof EventTypeOut>;

/** Event type listings page by name; `with_content` adds the schemas, which can be large. */
export const EventTypeListQuery = ListQuery.extend({
  include_archived: queryBool(false),
  with_content: queryBool(false),
});
export type EventTypeListQuery = z.output<typeof EventTypeListQuery>;

export const EventTypeParams = z.object({ event_type_name: EventTypeName });

/** `expunge=true` deletes the row; otherwise a delete only archives. */
export const EventTypeDeleteQuery = z.object({ expunge: queryBool(false) });
