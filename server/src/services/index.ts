import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import type { Heartbeat } from "../lib/heartbeat.js";
import type { Keyring } from "../lib/keyring.js";
import type { Metrics } from "../lib/metrics.js";
import { TransformationSandbox } from "../lib/transformation-sandbox.js";
import type { Wakeup } from "../lib/wakeup.js";
import { canonicalEventTypes } from "../providers/normalize.js";
import { ApplicationsRepository } from "../store/applications-repository.js";
import { AttemptsRepository } from "../store/attempts-repository.js";
import { AuditRepository } from "../store/audit-repository.js";
import type { Store } from "../store/database.js";
import { EndpointsRepository } from "../store/endpoints-repository.js";
import { EventTypesRepository } from "../store/event-types-repository.js";
import { FifoRepository } from "../store/fifo-repository.js";
import { GroupCommit } from "../store/group-commit.js";
import { IdempotencyRepository } from "../store/idempotency-repository.js";
import { InboundRequestsRepository } from "../store/inbound-requests-repository.js";
import { IngestSourcesRepository } from "../store/ingest-sources-repository.js";
import type { InsertResult, NewMessage } from "../store/message-batch.js";
import { MessageWriter } from "../store/message-writer.js";
import { MessagesRepository } from "../store/messages-repository.js";
import { PollerRepository } from "../store/poller-repository.js";
import { QueueViewRepository } from "../store/queue-view-repository.js";
import type { InboundRequestRow } from "../store/schema.js";
import { SourcesRepository } from "../store/sources-repository.js";
import { StatsRepository } from "../store/stats-repository.js";
import { TasksRepository } from "../store/tasks-repository.js";
import { TokensRepository } from "../store/tokens-repository.js";
import { TransformationsRepository } from "../store/transformations-repository.js";
import { WorkerHeartbeatsRepository } from "../store/worker-heartbeats-repository.js";
import { AppTokenService } from "./app-tokens.js";
import { ApplicationService } from "./applications.js";
import { AttemptService } from "./attempts.js";
import { AuditService } from "./audit.js";
import { AuditLog } from "./audit-log.js";
import { BackgroundTaskService } from "./background-tasks.js";
import { BackupService } from "./backup.js";
import { EndpointGradeService, type GradeReceiver } from "./endpoint-grade.js";
import { EndpointService } from "./endpoints.js";
import { EnvironmentService } from "./environment.js";
import { EventTypeOpenApiService } from "./event-type-openapi.js";
import { EventTypeService } from "./event-types.js";
import { FifoService } from "./fifo.js";
import { HealthService } from "./health.js";
import { IdempotencyService } from "./idempotency.js";
import { DEDUPE_WINDOW_MS, InboundService } from "./inbound.js";
import { InboundFailureWatch } from "./inbound-failure-watch.js";
import { InboundLogService } from "./inbound-log.js";
import { InboundReprocessService } from "./inbound-reprocess.js";
import { IngestEndpointService } from "./ingest-endpoints.js";
import { IngestSourceService } from "./ingest-sources.js";
import { MessagePrecheckService } from "./message-precheck.js";
import { MessageService } from "./messages.js";
import { OperationalEvents } from "./operational-events.js";
import { OperationalWebhookService } from "./operational-webhooks.js";
import { PollerService } from "./pollers.js";
import { QueueService } from "./queue.js";
import { SourceRateLimits } from "./rate-limits.js";
import { RetryScheduleService } from "./retry-schedules.js";
import { SignatureVerifyService } from "./signature-verify.js";
import { SourceService } from "./sources.js";
import { StatsService } from "./stats.js";
import { TokenUsage } from "./token-usage.js";
import { TokenService } from "./tokens.js";
import { TransformationService } from "./transformations.js";

export interface Services {
  tokens: TokenService;
  /** Keys limited to one application and consumer-portal sessions. */
  appTokens: AppTokenService;
  /** Stored responses of POSTs that carried an Idempotency-Key (wired into http by registerIdempotency). */
  idempotency: IdempotencyService;
  /** The store check behind `/api/v1/health` and the JSON report behind `/healthz`. */
  health: HealthService;
  applications: ApplicationService;
  endpoints: EndpointService;
  /** The receiver conformance grader (ADR 15). */
  endpointGrade: EndpointGradeService;
  /** Endpoint transformations: code, switch, test runs (ADR 16). */
  transformations: TransformationService;
  /** The same for ingest endpoints (`/ingest/api/v1/source/{id}/endpoint/{id}/transformation`). */
  ingestTransformations: TransformationService;
  /** FIFO endpoints: the head of the queue and the operator's skip (ADR 18). */
  fifo: FifoService;
  eventTypes: EventTypeService;
  retrySchedules: RetryScheduleService;
  messages: MessageService;
  attempts: AttemptService;
  /** Recover, bulk replay, replay missing and purge contents, run by the worker's task runner. */
  backgroundTasks: BackgroundTaskService;
  /** Polling endpoints: reading, consumer positions. */
  pollers: PollerService;
  stats: StatsService;
  /** The retry queue and dead letter, and the backlog /metrics reports. */
  queue: QueueService;
  sources: SourceService;
  inbound: InboundService;
  /** Reading the inbound request log and its stats. */
  inboundLog: InboundLogService;
  inboundReprocess: InboundReprocessService;
  audit: AuditService;
  /** Svix's `message.precheck`: would a message reach any endpoint? */
  messagePrecheck: MessagePrecheckService;
  /** `POST /api/v1/verify`: explains whether a received webhook verifies. */
  signatureVerify: SignatureVerifyService;
  /** The event catalog as OpenAPI: import (Svix's) and export. */
  eventTypeOpenApi: EventTypeOpenApiService;
  /** `hookrelay export` / `hookrelay import`: the configuration as one versioned document (ADR 21). */
  backup: BackupService;
  /** Svix's environment export/import: the event catalogue as one document. */
  environment: EnvironmentService;
  /** The operational-webhook endpoints (admin only). */
  operationalWebhooks: OperationalWebhookService;
  /** Svix's ingest sources and their endpoints (admin only; ADR 20). */
  ingestSources: IngestSourceService;
  ingestEndpoints: IngestEndpointService;
  /**
   * Emits operational events. The worker's port (`outcomesRecorded`) and the circuit breaker's
   * `onCircuitChange` are wired to it by the composition root.
   */
  operationalEvents: OperationalEvents;
  /** Writes everything still queued in group-commit writers (shutdown, tests). */
  drain(): Promise<void>;
}

/** What the composition root hands the services besides the store: counters, and the worker's heartbeat. */
export interface ServiceExtras {
  /** Counted only when served (HOOKRELAY_METRICS). */
  metrics?: Metrics | undefined;
  /** The heartbeat of the worker running in this process, for the health report. */
  heartbeat?: Heartbeat | undefined;
  /** Wakes the task runner of this process when a task is started. */
  taskWakeup?: Wakeup | undefined;
  /** Where best-effort failures (an operational event that could not be written) are logged. */
  logger?: Logger | undefined;
  /** Sends the receiver grader's requests through the SSRF guard; without it grading answers 503. */
  gradeReceiver?: GradeReceiver | undefined;
}

/**
 * Wires repositories into services. The composition root (main.ts) and the tests call this;
 * nothing here listens on a socket or starts a worker.
 */
export function createServices(
  store: Store,
  config: Config,
  wakeup: Wakeup,
  keyring: Keyring,
  extras: ServiceExtras = {},
): Services {
  const { db } = store;
  const idempotencyRepo = new IdempotencyRepository(db, keyring);
  const idempotency = new IdempotencyService(idempotencyRepo, config.idempotencyTtlSeconds);
  const messagesRepo = new MessagesRepository(db);
  const messageWriter = new MessageWriter(store, idempotencyRepo, { inboundDedupeWindowMs: DEDUPE_WINDOW_MS });
  const inboundRequests = new InboundRequestsRepository(store);
  const writer = new GroupCommit<NewMessage, InsertResult>(
    {
      maxWaitMs: config.groupCommitMaxWaitMs,
      maxBatch: config.groupCommitMaxBatch,
      concurrency: config.groupCommitConcurrency ?? (store.dialect === "sqlite" ? 1 : 4),
    },
    // Messages from inbound webhooks are de-duplicated in front of the batch, committed with it.
    (items) => messageWriter.write(items),
  );
  // Every state change made through the API or the CLI commits with its audit row (ADR 6).
  const auditRepo = new AuditRepository(db);
  const auditLog = new AuditLog(db, auditRepo);
  const tokensRepo = new TokensRepository(db);
  const workerHeartbeats = new WorkerHeartbeatsRepository(db);
  const tokens = new TokenService(tokensRepo, new TokenUsage(tokensRepo, config.tokenUsageFlushMs), auditLog);
  const applications = new ApplicationService(new ApplicationsRepository(db, store.fanoutCache), auditLog);
  const eventTypesRepo = new EventTypesRepository(db);
  const eventTypes = new EventTypeService(eventTypesRepo, auditLog);
  const applicationsRepo = new ApplicationsRepository(db, store.fanoutCache);
  const endpointsRepo = new EndpointsRepository(db, store.fanoutCache);
  // Operational events are messages of the internal operational application, written by the
  // same writer, so they are delivered, retried and logged like any other (ADR 10).
  const operationalEvents = new OperationalEvents({
    writer,
    wakeup,
    fanout: store.fanoutCache,
    applications: applicationsRepo,
    endpoints: endpointsRepo,
    messages: messagesRepo,
    endpointDisableAfterMs: config.endpointDisableAfterSeconds * 1000,
    retentionDays: config.retentionDays,
    logger: extras.logger,
  });
  const endpoints = new EndpointService(endpointsRepo, applications, keyring, config, auditLog, operationalEvents);
  const retrySchedules = new RetryScheduleService(eventTypesRepo, applications, endpoints, auditLog);
  const messages = new MessageService(messagesRepo, applications, writer, wakeup, auditLog, idempotency);
  // Rejected and duplicate requests are logged in batches of their own; accepted ones ride
  // along with their message on `writer`.
  const inboundLog = new GroupCommit<InboundRequestRow, void>(
    {
      maxWaitMs: config.groupCommitMaxWaitMs,
      maxBatch: config.groupCommitMaxBatch,
      concurrency: store.dialect === "sqlite" ? 1 : 2,
    },
    (rows) => inboundRequests.insertBatch(rows),
  );
  // The canonical food-delivery types (order.created …) with their schemas, registered once a
  // delivery-platform source exists so its endpoints can subscribe to them. Edits are kept.
  const registerPlatformEventTypes = async () => {
    for (const t of canonicalEventTypes) await eventTypes.ensure(t.name, t.description, t.schema);
  };
  const sources = new SourceService(new SourcesRepository(db), applications, keyring, auditLog, registerPlatformEventTypes);
  const inbound = new InboundService({
    sources,
    requests: inboundRequests,
    rateLimits: new SourceRateLimits(store),
    messages: writer,
    log: inboundLog,
    wakeup,
    retentionDays: config.retentionDays,
    metrics: extras.metrics,
    verification: new InboundFailureWatch({
      threshold: config.inboundFailingThreshold,
      windowMs: config.inboundFailingWindowSeconds * 1000,
      onFailing: (failing) => void operationalEvents.sourceFailing(failing),
    }),
  });
  const queueView = new QueueViewRepository(db);
  const requestLog = new InboundLogService({ sources, requests: inboundRequests, applications });
  const attemptsRepo = new AttemptsRepository(db);
  const attempts = new AttemptService(attemptsRepo, applications, endpoints, messages, eventTypes, wakeup, auditLog);
  const operationalWebhooks = new OperationalWebhookService({
    db,
    applications: applicationsRepo,
    endpoints: endpointsRepo,
    keyring,
    config,
    audit: auditLog,
    attempts: (opEndpoints) =>
      new AttemptService(attemptsRepo, applications, opEndpoints, messages, eventTypes, wakeup, auditLog),
  });
  const appTokens = new AppTokenService(tokens, applications);
  const ingestSources = new IngestSourceService({
    repo: new IngestSourcesRepository(db),
    applications: applicationsRepo,
    sources,
    keyring,
    audit: auditLog,
    appTokens,
  });
  const ingestEndpoints = new IngestEndpointService(endpointsRepo, ingestSources, keyring, config, auditLog);
  const transformationsRepo = new TransformationsRepository(db);
  // One sandbox for the API's test runs; the worker has its own (main.ts).
  const sandbox = new TransformationSandbox({
    timeLimitMs: config.transformationTimeLimitMs,
    memoryLimitBytes: config.transformationMemoryLimitBytes,
  });
  return {
    tokens,
    appTokens,
    idempotency,
    health: new HealthService({
      db,
      backlog: (now) => queueView.backlog(now),
      heartbeat: extras.heartbeat,
      workers: () => workerHeartbeats.list(),
      staleAfterMs: config.deliveryTimeoutMs + config.leaseMarginMs,
    }),
    applications,
    endpoints,
    endpointGrade: new EndpointGradeService(endpoints, keyring, auditLog, extras.gradeReceiver),
    transformations: new TransformationService(endpoints, transformationsRepo, auditLog, sandbox),
    ingestTransformations: new TransformationService(ingestEndpoints, transformationsRepo, auditLog, sandbox),
    fifo: new FifoService(endpoints, new FifoRepository(db), auditLog),
    eventTypes,
    retrySchedules,
    messages,
    attempts,
    backgroundTasks: new BackgroundTaskService(new TasksRepository(store), applications, endpoints, auditLog, extras.taskWakeup),
    pollers: new PollerService(new PollerRepository(db), endpoints, config.pollerSafetyLagMs),
    stats: new StatsService(new StatsRepository(db), applications, endpoints, (range) => requestLog.countByStatus(range)),
    queue: new QueueService(queueView, applications),
    sources,
    inbound,
    inboundLog: requestLog,
    inboundReprocess: new InboundReprocessService({
      requestLog,
      sources,
      messages: messageWriter,
      wakeup,
      retentionDays: config.retentionDays,
      audit: auditLog,
      idempotency,
    }),
    audit: new AuditService(auditRepo, applications),
    signatureVerify: new SignatureVerifyService(endpoints, keyring),
    messagePrecheck: new MessagePrecheckService(applications, endpointsRepo),
    eventTypeOpenApi: new EventTypeOpenApiService(eventTypes),
    environment: new EnvironmentService(eventTypes),
    backup: new BackupService(store, keyring, auditLog, applications),
    operationalWebhooks,
    ingestSources,
    ingestEndpoints,
    operationalEvents,
    drain: async () => {
      await Promise.all([writer.drain(), inboundLog.drain(), tokens.usage.flush()]);
    },
  };
}
