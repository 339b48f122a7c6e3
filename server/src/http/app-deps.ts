import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import type { Metrics } from "../lib/metrics.js";
import type { Services } from "../services/index.js";

export interface AppDeps {
  config: Config;
  services: Services;
  logger: Logger | false;
  /** Prometheus metrics; absent in tests that don't need them. */
  metrics?: Metrics | undefined;
}

/** A Fastify instance whose route schemas are zod schemas. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** One file under routes/ per resource; each exports a function of this type. */
export type RouteModule = (app: ZodApp, deps: AppDeps) => void | Promise<void>;
