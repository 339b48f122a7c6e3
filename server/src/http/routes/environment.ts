import { NoContent } from "../../contract/common.js";
import { EnvironmentIn, EnvironmentOut } from "../../contract/environment.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Environment"];

/** Svix's environment export and import: the event catalogue as one document. */
export const environmentRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/environment/export",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.environment.export",
        summary: "Export environment configuration",
        description:
          "Every event type (archived ones too) with its schemas, in Svix's EnvironmentOut shape. `settings` is null and `connectors` empty: Hookrelay has neither. The full configuration backup (applications, endpoints, sources …) is `hookrelay export`.",
        response: { 200: EnvironmentOut },
      },
    },
    async (req) => services.environment.export(principalOf(req)),
  );

  app.post(
    "/api/v1/environment/import",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.environment.import",
        summary: "Import environment configuration",
        description:
          "Creates or replaces each event type of the document by name (each change audited); deletes nothing. `settings` is accepted and ignored; `connectors` must be empty.",
        body: EnvironmentIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await services.environment.import(actorOf(req), req.body);
      return reply.code(204).send();
    },
  );
};
