import type { FastifyInstance } from "fastify";

import { HealthReportOut } from "../../contract/health.js";
import type { Services } from "../../services/index.js";
import type { RouteModule } from "../app-deps.js";

/**
 * `GET|HEAD /api/v1/health`: 204 while the store answers, 503 when it does not; `/api/v1/health/ping`: 204 (both as
 * Svix has them); `GET /healthz` (= `/api/v1/health/report`): the JSON health report. Served by the API and by a
 * worker-only process's health port alike.
 */
export function registerHealth(app: FastifyInstance, health: Services["health"]): void {
  app.route({
    method: ["GET", "HEAD"],
    url: "/api/v1/health",
    schema: {
      tags: ["Health"],
      operationId: "v1.health.get",
      summary: "Health check",
      description: "Answers 204 when the server and its database answer. Public: no token needed.",
      security: [],
    },
    handler: async (_req, reply) => {
      await health.check();
      return reply.code(204).send();
    },
  });
  // Svix's liveness probe: answers while the process serves requests, without asking the store.
  app.route({
    method: ["GET", "HEAD"],
    url: "/api/v1/health/ping",
    schema: {
      tags: ["Health"],
      operationId: "v1.health.ping",
      summary: "Ping",
      description: "Answers 204 while the process serves requests, without asking the database. Public: no token needed.",
      security: [],
    },
    handler: async (_req, reply) => reply.code(204).send(),
  });
  // For probes and operators: database, this process's worker, queue depth, as JSON. `/healthz`
  // is where a Kubernetes user looks first; both answer 503 when the report is unhealthy.
  for (const url of ["/api/v1/health/report", "/healthz"]) {
    app.route({
      method: "GET",
      url,
      schema: {
        tags: ["Health"],
        operationId: url === "/healthz" ? "hookrelay.healthz" : "hookrelay.health.report",
        summary: url === "/healthz" ? "Health report (probe path)" : "Health report",
        description:
          "Database reachability, this process's worker heartbeat, queue depth and the oldest due delivery, as JSON; " +
          "503 when unhealthy. Public: no token needed." +
          (url === "/healthz" ? " The same report as /api/v1/health/report, at the path probes expect." : ""),
        security: [],
        response: { 200: HealthReportOut, 503: HealthReportOut },
      },
      handler: async (_req, reply) => {
        const report = await health.report();
        return reply.code(report.status === "ok" ? 200 : 503).header("cache-control", "no-store").send(report);
      },
    });
  }
}

export const healthRoutes: RouteModule = (app, { services }) => registerHealth(app, services.health);
