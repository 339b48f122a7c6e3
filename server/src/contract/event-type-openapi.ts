import { z } from "zod";

/** `POST /api/v1/event-type/import/openapi`, as Svix has it: `spec` or `specRaw`, not both. */
export const EventTypeImportOpenApiIn = z
  .object({
    spec: z.record(z.string(), z.unknown()).nullish().meta({ description: "The OpenAPI document as a JSON object." }),
    specRaw: z.string().max(5_000_000).nullish().meta({ description: "The OpenAPI document as YAML or JSON text." }),
    dryRun: z.boolean().default(false).meta({ description: "Only report what would change." }),
    replaceAll: z.boolean().default(false).meta({ description: "Archive every event type the document does not name." }),
  })
  .refine((v) => (v.spec != null) !== (v.specRaw != null), { message: "give exactly one of spec and specRaw" });
export type EventTypeImportOpenApiIn = z.output<typeof EventTypeImportOpenApiIn>;

/** An event type as read from a document's `webhooks` (or `x-webhooks`). */
export const EventTypeFromOpenApi = z.object({
  name: z.string(),
  description: z.string(),
  /** The request body's JSON schema, `$ref`s to `components/schemas` resolved. */
  schemas: z.record(z.string(), z.unknown()).nullable(),
  deprecated: z.boolean(),
  groupName: z.string().nullable(),
  featureFlags: z.array(z.string()).nullable(),
});
export type EventTypeFromOpenApi = z.output<typeof EventTypeFromOpenApi>;

export const EventTypeImportOpenApiOut = z.object({
  data: z.object({
    /** Names created, updated or (with `replaceAll`) archived; with `dryRun`, nothing was written. */
    modified: z.array(z.string()),
    /** With `dryRun`: the event types as they would be written. */
    to_modify: z.array(EventTypeFromOpenApi).nullish(),
  }),
});
export type EventTypeImportOpenApiOut = z.output<typeof EventTypeImportOpenApiOut>;

/** `GET /api/v1/event-type/export/openapi`: the catalog as an OpenAPI 3.1 document with `webhooks`. */
export const EventTypeExportOpenApiOut = z.record(z.string(), z.unknown());
