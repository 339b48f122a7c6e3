import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { validatorCompiler } from "fastify-type-provider-zod";

import { ApiError } from "../lib/errors.js";
import { jsonDepthWithin, MAX_JSON_DEPTH } from "../lib/json-depth.js";
import { registerApiDocs } from "./api-docs.js";
import type { AppDeps } from "./app-deps.js";
import { registerAuth } from "./auth.js";
import { registerDashboard } from "./dashboard.js";
import { handleError } from "./errors.js";
import { registerIdempotency } from "./idempotency.js";
import { registerMetrics } from "./metrics.js";
import { routes } from "./routes/index.js";
import { serializerCompiler } from "./serializer.js";
import { socketLimits } from "./socket-limits.js";

/**
 * Builds the HTTP API without listening, so tests can drive it with `app.inject()`.
 *
 * @example const app = await buildApp({ config, services, logger: false }); await app.inject({ url: "/api/v1/health" });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (deps.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: deps.config.bodyLimitBytes,
    // Per-request log lines would dominate the CPU at ingest rates, so they are opt-in
    // (HOOKRELAY_LOG_REQUESTS); metrics cover requests either way.
    logController: new LogController({ disableRequestLogging: !deps.config.logRequests }),
    // Client addresses feed inbound allowlists and rate limits, so X-Forwarded-For is only
    // believed when the operator says a proxy sets it.
    trustProxy: deps.config.trustProxy,
    return503OnClosing: true,
    ...socketLimits(deps.config),
  });
  // Connections past the cap are closed by Node as soon as they are accepted.
  app.server.maxConnections = deps.config.maxConnections;
  // Before any route exists: the onRoute hook sees (and guards) every route, plugins' included.
  registerAuth(app, deps.services.tokens);
  // The API speaks JSON only; other media types get 415 rather than a confusing 422.
  app.removeContentTypeParser(["text/plain"]);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // JSON.parse accepts nesting that JSON.stringify, when the body is stored, then overflows the
  // stack on (a 500); such bodies are refused up front. Raw bodies (inbound webhooks) are
  // parsed and guarded by their own path.
  app.addHook("preValidation", (request, _reply, done) => {
    const body = request.body;
    if (typeof body === "object" && body !== null && !Buffer.isBuffer(body) && !jsonDepthWithin(body, MAX_JSON_DEPTH)) {
      done(ApiError.badRequest(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, "json_too_deep"));
      return;
    }
    done();
  });

  await registerApiDocs(app);

  if (deps.metrics && deps.config.metrics) registerMetrics(app, deps.metrics);
  await registerDashboard(app);
  registerIdempotency(app, deps.services.idempotency);

  for (const register of routes) {
    await app.register(async (scope) => register(scope.withTypeProvider<ZodTypeProvider>(), deps));
  }
  return app;
}
