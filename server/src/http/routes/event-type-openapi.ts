import { EventTypeExportOpenApiOut, EventTypeImportOpenApiIn, EventTypeImportOpenApiOut } from "../../contract/event-type-openapi.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Event Type"];

/** The event catalog as an OpenAPI document: Svix's import, and Hookrelay's export. */
export const eventTypeOpenApiRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/event-type/import/openapi",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.event-type.import-openapi",
        summary: "Import event types from OpenAPI",
        description:
          "Creates or updates one event type per entry of the document's `webhooks` (or `x-webhooks`): its description, the JSON request body schema (with `$ref`s to `components/schemas` inlined), `deprecated`, and `x-svix-feature-flags`. An archived event type is unarchived. `replaceAll` archives event types the document does not name; `dryRun` only reports. `specRaw` may be YAML or JSON.",
        body: EventTypeImportOpenApiIn,
        response: { 200: EventTypeImportOpenApiOut },
      },
    },
    async (req) => services.eventTypeOpenApi.import(actorOf(req), req.body),
  );

  app.get(
    "/api/v1/event-type/export/openapi",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.event-type.export-openapi",
        summary: "Export the event catalog as OpenAPI",
        description: "An OpenAPI 3.1 document whose `webhooks` are the live event types, each with its latest schema; the import reads it back unchanged.",
        response: { 200: EventTypeExportOpenApiOut },
      },
    },
    async (req) => services.eventTypeOpenApi.export(principalOf(req)),
  );
};
