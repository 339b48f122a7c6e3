import type { FastifyInstance } from "fastify";

import type { Services } from "../../services/index.js";
import type { RouteModule } from "../app-deps.js";

/**
 * `GET|HEAD /api/v1/health`: 204 while the store answers, 503 when it does not; `/api/v1/health/ping`: 204. Served by the
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
  // Svix's liveness probe: answers while the process serves requests, without asking the store.
  app.route({
    method: ["GET", "HEAD"],
    url: "/api/v1/health/ping",
    schema: { tags: ["Health"], operationId: "v1.health.ping", security: [] },
    handler: async (_req, reply) => reply.code(204).send(),
  });
}

export const healthRoutes: RouteModule = (app, { services }) => registerHealth(app, services.health);
