import type { FastifyInstance } from "fastify";

import type { Services } from "../../services/index.js";
import type { RouteModule } from "../route-module.js";

/**
 * `GET|HEAD /api/v1/health`: 204 while the store answers, 503 when it does not. Served by the
 * API and by a worker-only process's health port alike.
 */
export function registerHealth(app: FastifyInstance, health: Services["health"]): void {
  app.route({
    method: ["GET", "HEAD"],
    url: "/api/v1/health",
    schema: { tags: ["Health"], operationId: "v1.health.get", security: [] },
    handler: async (_req, reply) => {
      await health.check();
      return reply.code(204).send();
    },
  });
}

export const healthRoutes: RouteModule = (app, { services }) => registerHealth(app, services.health);
