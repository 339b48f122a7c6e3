import type { RouteModule } from "../route-module.js";

/** `GET|HEAD /api/v1/health`: 204 while the store answers, 503 when it does not. */
export const healthRoutes: RouteModule = (app, { services }) => {
  app.route({
    method: ["GET", "HEAD"],
    url: "/api/v1/health",
    schema: { tags: ["Health"], operationId: "v1.health.get", security: [] },
    handler: async (_req, reply) => {
      await services.health.check();
      return reply.code(204).send();
    },
  });
};
