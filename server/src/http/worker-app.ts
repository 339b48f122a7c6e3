import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";

import type { Config } from "../config/config.js";
import type { Metrics } from "../lib/metrics.js";
import type { Services } from "../services/index.js";
import { handleError } from "./errors.js";
import { registerMetrics } from "./metrics.js";
import { registerHealth } from "./routes/health.js";
import { socketLimits } from "./socket-limits.js";

/**
 * The HTTP face of a worker-only process (`HOOKRELAY_WORKER_PORT`): the same
 * `GET|HEAD /api/v1/health` as the API (204 while the store answers, 503 when not) for liveness
 * probes, the JSON health report at `/healthz` with this worker's heartbeat, and `/metrics` with this process's delivery counters, which no API process has.
 *
 * @example const app = await buildWorkerApp({ services, metrics, logger }); await app.listen({ port: 9071 });
 */
export async function buildWorkerApp(deps: {
  services: Pick<Services, "health">;
  metrics: Metrics | undefined;
  logger: FastifyBaseLogger | false;
  /** The API's socket limits apply to this port too; omitted in tests that never listen. */
  config?: Parameters<typeof socketLimits>[0] & Pick<Config, "maxConnections">;
}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (deps.logger || undefined) as FastifyBaseLogger | undefined,
    logController: new LogController({ disableRequestLogging: true }),
    ...(deps.config ? socketLimits(deps.config) : {}),
  });
  if (deps.config) app.server.maxConnections = deps.config.maxConnections;
  // The health routes' schemas are zod, as in the API.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  registerHealth(app, deps.services.health);
  if (deps.metrics) registerMetrics(app, deps.metrics);
  await app.ready();
  return app;
}
