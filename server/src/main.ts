import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { FastifyInstance } from "fastify";
import type { DestinationStream, Logger } from "pino";

import { type Config, type ConfigInput, loadConfig } from "./config/config.js";
import { createAddressPolicy } from "./delivery/address-policy.js";
import { DeliveryClient } from "./delivery/http-client.js";
import { createGradeSender } from "./delivery/receiver-grader.js";
import { buildApp } from "./http/app.js";
import { buildWorkerApp } from "./http/worker-app.js";
import { Heartbeat } from "./lib/heartbeat.js";
import { createLogger } from "./lib/logger.js";
import { createMetrics } from "./lib/metrics.js";
import { TransformationSandbox } from "./lib/transformation-sandbox.js";
import { Wakeup } from "./lib/wakeup.js";
import { createServices, type ServiceExtras, type Services } from "./services/index.js";
import { CLI_ACTOR } from "./services/principal.js";
import { type ConfiguredStore, openConfiguredStore } from "./store/configured-store.js";
import type { Store } from "./store/database.js";
import { circuitPolicy, DeliveriesRepository } from "./store/deliveries-repository.js";
import { DeliveryPolicyCache } from "./store/delivery-policies.js";
import { PgWakeup } from "./store/pg-wakeup.js";
import { TasksRepository } from "./store/tasks-repository.js";
import { SharedThrottleSlots } from "./store/throttle-slots.js";
import { TransformationCache } from "./store/transformations-repository.js";
import { WorkerHeartbeatsRepository } from "./store/worker-heartbeats-repository.js";
import { HeartbeatPublisher } from "./worker/heartbeat-publisher.js";
import { LocalThrottleSlots } from "./worker/local-throttle-slots.js";
import { RetentionJob } from "./worker/retention.js";
import { TaskRunner } from "./worker/task-runner.js";
import type { Transformations } from "./worker/transformation.js";
import { DeliveryWorker } from "./worker/worker.js";

export interface Running {
  /** The base URL this process serves: the API's, or a worker's health and metrics port. */
  url: string | undefined;
  config: Config;
  /** The process logger (pino). */
  logger: Logger;
  /** Start-up and shutdown lines: logged at info whatever HOOKRELAY_LOG_LEVEL is (but silent). */
  lifecycle: Logger;
  /** Graceful stop: stop accepting, finish or release in-flight deliveries, close the store. */
  close(): Promise<void>;
}

/** The configured store with the services on it, as {@link openServices} opens them. */
export interface OpenServices extends ConfiguredStore {
  services: Services;
  /** Wakes this process's worker (and, on PostgreSQL, other instances') when deliveries are queued. */
  wakeup: Wakeup;
  /** Writes what the services still hold, closes the wakeup connection, then the store. */
  close(): Promise<void>;
}

/**
 * Opens the configured store (data key, migrations, sealed-column check) and builds the services
 * on it: what the server runs on and what the CLI's commands use, so both read and write (and
 * audit) the same way.
 *
 * `crossProcessWakeup` (the server) makes instances on PostgreSQL wake each other's workers
 * through LISTEN/NOTIFY; a one-shot CLI command leaves it off and gets the in-process signal.
 *
 * @example
 * const { services, close } = await openServices(loadConfig(), { warn: (m) => process.stderr.write(`${m}\n`) });
 * try { await services.tokens.revoke(CLI_ACTOR, id); } finally { await close(); }
 */
export async function openServices(
  config: Config,
  options: { warn: (message: string) => void; logger?: Logger; crossProcessWakeup?: boolean } & ServiceExtras,
): Promise<OpenServices> {
  const opened = await openConfiguredStore(config, options.warn);
  const { store, keyring } = opened;
  // On PostgreSQL, instances wake each other's workers through LISTEN/NOTIFY; SQLite has one
  // process, where the in-process signal does.
  const pgWakeup =
    options.crossProcessWakeup !== false && store.dialect === "postgres" && config.databaseUrl
      ? new PgWakeup({
          connectionString: config.databaseUrl,
          listen: config.role !== "api",
          logger: options.logger,
          connectTimeoutMs: config.pgConnectTimeoutMs,
        })
      : undefined;
  pgWakeup?.start();
  const wakeup = pgWakeup ?? new Wakeup();
  const services = createServices(store, config, wakeup, keyring, {
    metrics: options.metrics,
    heartbeat: options.heartbeat,
    taskWakeup: options.taskWakeup,
    logger: options.logger,
    gradeReceiver: options.gradeReceiver,
  });
  return {
    ...opened,
    services,
    wakeup,
    close: async () => {
      await services.drain();
      await pgWakeup?.close();
      await store.close();
    },
  };
}

/**
 * Starts Hookrelay as configured: the API, the delivery worker, or both (HOOKRELAY_ROLE).
 * This is the composition root: the only module that wires every layer together.
 *
 * Every line goes through the pino logger (HOOKRELAY_LOG_FORMAT), with one exception: the admin
 * token made on first start is written to `out` as a plain-text banner, shown once to a human
 * and never logged. The start-up lines ("listening on http://…") are logged at info whatever
 * HOOKRELAY_LOG_LEVEL says (unless silent), as they always were printed: scripts wait for them.
 */
export async function start(
  config: Config,
  out: (line: string) => void = (l) => process.stdout.write(l + "\n"),
  logDestination?: DestinationStream,
): Promise<Running> {
  const logger = createLogger(config.logLevel, { format: config.logFormat, destination: logDestination });
  const lifecycle = config.logLevel === "silent" ? logger : logger.child({}, { level: "info" });
  // Built before anything is created or printed, so a bad allow list stops the start here
  // (loadConfig already checks each entry; this is the policy the worker will use).
  const addressPolicy = createAddressPolicy(config.allowPrivateNetworks);
  // The backlog gauges read the queue at scrape time, once the services below exist.
  const metrics = createMetrics({
    backlog: (now) => opened.services.queue.backlog(now),
    circuits: (now) => opened.services.queue.circuits(now),
  });
  // Counted only when served (HOOKRELAY_METRICS); the API checks the same setting itself.
  const servedMetrics = config.metrics ? metrics : undefined;
  const heartbeat = config.role !== "api" ? new Heartbeat() : undefined;
  // The API sends the receiver grader's requests (ADR 15) through the same SSRF guard as deliveries.
  const grader =
    config.role !== "worker"
      ? createGradeSender({
          allowCidrs: config.allowPrivateNetworks,
          requestTimeoutMs: config.gradeRequestTimeoutMs,
          totalTimeoutMs: config.gradeTotalTimeoutMs,
        })
      : undefined;
  // The API of a process that also runs the worker wakes its task runner when it starts a task.
  const taskWakeup = config.role === "all" ? new Wakeup() : undefined;
  const opened = await openServices(config, { warn: (m) => logger.warn(m), logger, metrics: servedMetrics, heartbeat, taskWakeup, gradeReceiver: grader && ((target) => grader.grade(target)) });
  const { store, keyring, keyFile, createdKey, services, wakeup } = opened;
  if (createdKey) {
    lifecycle.warn({ keyFile }, `Created the data key ${keyFile} (mode 0600). It seals secrets at rest: back it up with the database.`);
  }

  if (config.adminToken) {
    await services.tokens.ensure(config.adminToken, "admin (HOOKRELAY_ADMIN_TOKEN)");
  } else if (!(await services.tokens.hasAdminToken())) {
    // Made by the server on the operator's behalf: audited as the command line.
    const created = await services.tokens.create({ ...CLI_ACTOR, name: "server (first start)" }, { name: "admin (first start)" });
    // A secret: never logged. Shown once, as plain text set apart from the log lines.
    const rule = "=".repeat(72);
    out(`\n${rule}\nCreated an admin API token. It is shown only this once; store it now:\n\n    ${created.token}\n${rule}\n`);
    lifecycle.warn("Created an admin API token (printed once above, not logged)");
  }

  // The food-delivery event catalog (order.* …) is registered by the source service when a
  // delivery-platform source is created, not here: most installs never receive those events.

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (config.role !== "worker") {
    app = await buildApp({ config, services, logger, metrics });
    url = await listen(app, config.host, config.port);
    lifecycle.info({ url }, `Hookrelay listening on ${url} (dashboard at ${url}/, API docs at ${url}/docs)`);
  }

  if (config.role === "worker" && config.workerPort !== undefined) {
    app = await buildWorkerApp({ services, metrics: servedMetrics, logger, config });
    url = await listen(app, config.host, config.workerPort);
    lifecycle.info({ url }, `Worker health at ${url}/api/v1/health (report at ${url}/healthz)${servedMetrics ? `, metrics at ${url}/metrics` : ""}`);
  }

  let worker: DeliveryWorker | undefined;
  let retention: RetentionJob | undefined;
  let presence: HeartbeatPublisher | undefined;
  let tasks: TaskRunner | undefined;
  if (config.role !== "api") {
    worker = new DeliveryWorker({
      queue: new DeliveriesRepository(store, {
        endpointDisableAfterMs: config.endpointDisableAfterSeconds * 1000,
        circuit: circuitPolicy(config),
      }),
      sender: new DeliveryClient({ policy: addressPolicy }),
      config,
      wakeup,
      keyring,
      // One throttle for every instance on PostgreSQL; SQLite is one process, so memory holds it.
      slots: store.dialect === "postgres" ? new SharedThrottleSlots(store.db) : new LocalThrottleSlots(),
      policies: new DeliveryPolicyCache(store.db),
      transformations: workerTransformations(store, config),
      logger,
      metrics: servedMetrics,
      heartbeat,
      // message.attempt.failing / exhausted / recovered and automatic endpoint.disabled, after
      // each batch of results committed (ADR 10).
      operationalEvents: { outcomesRecorded: (outcomes) => void services.operationalEvents.outcomesRecorded(outcomes) },
      onCircuitChange: (change) => void services.operationalEvents.onCircuitChange(change),
    });
    worker.start();
    presence = new HeartbeatPublisher({
      repository: new WorkerHeartbeatsRepository(store.db),
      heartbeat: heartbeat ?? new Heartbeat(),
      owner: worker.owner,
      // Four reports per lease: a live worker's row is never older than a quarter of the stale mark.
      intervalMs: Math.min(5_000, (config.deliveryTimeoutMs + config.leaseMarginMs) / 4),
      logger,
    });
    presence.start();
    retention = new RetentionJob({ store, config, logger });
    retention.start();
    // Background tasks (recover, replays, purge) run beside the delivery loop, in batches.
    tasks = new TaskRunner({
      tasks: new TasksRepository(store),
      config,
      deliveryWakeup: wakeup,
      wakeup: taskWakeup,
      logger,
      metrics: servedMetrics,
    });
    tasks.start();
    lifecycle.info({ dialect: store.dialect, owner: worker.owner }, `Delivery worker started (${store.dialect}, owner ${worker.owner})`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    config,
    logger,
    lifecycle,
    close: () =>
      (closing ??= (async () => {
        // The API stops accepting (and finishes the requests it has) while the worker stops
        // claiming, waits up to shutdownGraceMs for its sends, records them and hands back the
        // rows still in flight; then the rest, and the pool last.
        await Promise.all([app?.close(), worker?.stop(config.shutdownGraceMs), retention?.stop(), presence?.stop(), tasks?.stop()]);
        await grader?.close();
        await opened.close();
      })()),
  };
}

/** Listens and returns the base URL, with the port actually bound (port 0 picks a free one). */
async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
}

async function runFromCommandLine(overrides: ConfigInput = {}): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, overrides);
  } catch (error) {
    // Before the port opens and before anything is created or printed: one line per problem.
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const running = await start(config);
  const stop = (signal: string): void => {
    running.lifecycle.info({ signal }, `${signal} received, shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

export { runFromCommandLine };

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runFromCommandLine().catch((error: unknown) => {
    process.stderr.write(`Hookrelay failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

/** The worker's endpoint transformations (ADR 16): cached code lookups and one sandbox per worker. */
function workerTransformations(store: Pick<Store, "db">, config: Config): Transformations {
  const cache = new TransformationCache(store.db);
  const sandbox = new TransformationSandbox({
    timeLimitMs: config.transformationTimeLimitMs,
    memoryLimitBytes: config.transformationMemoryLimitBytes,
  });
  return { codeFor: (id) => cache.codeFor(id), run: (key, code, input) => sandbox.run(key, code, input) };
}
