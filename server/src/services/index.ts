import type { Config } from "../config/config.js";
import type { Heartbeat } from "../lib/heartbeat.js";
import type { Keyring } from "../lib/keyring.js";
import type { Metrics } from "../lib/metrics.js";
import type { Wakeup } from "../lib/wakeup.js";
import { canonicalEventTypes } from "../providers/normalize.js";
import { ApplicationsRepository } from "../store/applications-repository.js";
import { AttemptsRepository } from "../store/attempts-repository.js";
import { AuditRepository } from "../store/audit-repository.js";
import type { Store } from "../store/database.js";
import { EndpointsRepository } from "../store/endpoints-repository.js";
import { EventTypesRepository } from "../store/event-types-repository.js";
import { GroupCommit } from "../store/group-commit.js";
import { IdempotencyRepository } from "../store/idempotency-repository.js";
import { InboundRequestsRepository } from "../store/inbound-requests-repository.js";
import type { InsertResult, NewMessage } from "../store/message-batch.js";
import { MessageWriter } from "../store/message-writer.js";
import { MessagesRepository } from "../store/messages-repository.js";
import { PollerRepository } from "../store/poller-repository.js";
import { QueueViewRepository } from "../store/queue-view-repository.js";
import type { InboundRequestRow } from "../store/schema.js";
import { SourcesRepository } from "../store/sources-repository.js";
import { StatsRepository } from "../store/stats-repository.js";
import { TokensRepository } from "../store/tokens-repository.js";
import { AppTokenService } from "./app-tokens.js";
import { ApplicationService } from "./applications.js";
import { AttemptService } from "./attempts.js";
import { AuditService } from "./audit.js";
import { AuditLog } from "./audit-log.js";
import { EndpointService } from "./endpoints.js";
import { EventTypeService } from "./event-types.js";
import { HealthService } from "./health.js";
import { IdempotencyService } from "./idempotency.js";
import { DEDUPE_WINDOW_MS, InboundService } from "./inbound.js";
import { InboundLogService } from "./inbound-log.js";
import { InboundReprocessService } from "./inbound-reprocess.js";
import { MessageService } from "./messages.js";
import { PollerService } from "./pollers.js";
import { QueueService } from "./queue.js";
import { SourceRateLimits } from "./rate-limits.js";
import { SourceService } from "./sources.js";
import { StatsService } from "./stats.js";
import { TokenUsage } from "./token-usage.js";
import { TokenService } from "./tokens.js";

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
  eventTypes: EventTypeService;
  messages: MessageService;
  attempts: AttemptService;
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
  /** Writes everything still queued in group-commit writers (shutdown, tests). */
  drain(): Promise<void>;
}

/** What the composition root hands the services besides the store: counters, and the worker's heartbeat. */
export interface ServiceExtras {
  /** Counted only when served (HOOKRELAY_METRICS). */
  metrics?: Metrics | undefined;
  /** The heartbeat of the worker running in this process, for the health report. */
  heartbeat?: Heartbeat | undefined;
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
      concurrency: store.dialect === "sqlite" ? 1 : 4,
    },
    // Messages from inbound webhooks are de-duplicated in front of the batch, committed with it.
    (items) => messageWriter.write(items),
  );
  // Every state change made through the API or the CLI commits with its audit row (ADR 6).
  const auditRepo = new AuditRepository(db);
  const auditLog = new AuditLog(db, auditRepo);
  const tokensRepo = new TokensRepository(db);
  const tokens = new TokenService(tokensRepo, new TokenUsage(tokensRepo, config.tokenUsageFlushMs), auditLog);
  const applications = new ApplicationService(new ApplicationsRepository(db, store.fanoutCache), auditLog);
  const eventTypes = new EventTypeService(new EventTypesRepository(db), auditLog);
  const endpoints = new EndpointService(
    new EndpointsRepository(db, store.fanoutCache),
    applications,
    keyring,
    config,
    auditLog,
  );
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
  });
  const queueView = new QueueViewRepository(db);
  const requestLog = new InboundLogService({ sources, requests: inboundRequests, applications });
  const attempts = new AttemptService(
    new AttemptsRepository(db),
    applications,
    endpoints,
    messages,
    eventTypes,
    wakeup,
    auditLog,
  );
  return {
    tokens,
    appTokens: new AppTokenService(tokens, applications),
    idempotency,
    health: new HealthService({
      db,
      backlog: (now) => queueView.backlog(now),
      heartbeat: extras.heartbeat,
      staleAfterMs: config.deliveryTimeoutMs + config.leaseMarginMs,
    }),
    applications,
    endpoints,
    eventTypes,
    messages,
    attempts,
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
    drain: async () => {
      await Promise.all([writer.drain(), inboundLog.drain(), tokens.usage.flush()]);
    },
  };
}
