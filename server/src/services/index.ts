import { sql } from "kysely";

import type { Config } from "../config/config.js";
import { SecretBox } from "../lib/secret-box.js";
import type { Wakeup } from "../lib/wakeup.js";
import { ApplicationsRepository } from "../store/applications-repository.js";
import { AttemptsRepository } from "../store/attempts-repository.js";
import type { Store } from "../store/database.js";
import { EndpointsRepository } from "../store/endpoints-repository.js";
import { EventTypesRepository } from "../store/event-types-repository.js";
import { GroupCommit } from "../store/group-commit.js";
import { IdempotencyRepository } from "../store/idempotency-repository.js";
import { type InsertResult, MessagesRepository, type NewMessage } from "../store/messages-repository.js";
import { QueueRepository } from "../store/queue-repository.js";
import { StatsRepository } from "../store/stats-repository.js";
import { TokensRepository } from "../store/tokens-repository.js";
import { ApplicationService } from "./applications.js";
import { AttemptService } from "./attempts.js";
import { EndpointService } from "./endpoints.js";
import { EventTypeService } from "./event-types.js";
import { MessageService } from "./messages.js";
import { StatsService } from "./stats.js";
import { TokenService } from "./tokens.js";

export interface Services {
  tokens: TokenService;
  idempotency: IdempotencyRepository;
  health: { check(): Promise<void> };
  applications: ApplicationService;
  endpoints: EndpointService;
  eventTypes: EventTypeService;
  messages: MessageService;
  attempts: AttemptService;
  stats: StatsService;
  queue: QueueRepository;
  /** Writes everything still queued in group-commit writers (shutdown, tests). */
  drain(): Promise<void>;
}

/**
 * Wires repositories into services. The composition root (main.ts) and the tests call this;
 * nothing here listens on a socket or starts a worker.
 */
export function createServices(store: Store, config: Config, wakeup: Wakeup): Services {
  const { db } = store;
  const secretBox = new SecretBox(config.secretKey);
  const messagesRepo = new MessagesRepository(db);
  const writer = new GroupCommit<NewMessage, InsertResult>(
    db,
    {
      maxWaitMs: config.groupCommitMaxWaitMs,
      maxBatch: config.groupCommitMaxBatch,
      concurrency: store.dialect === "sqlite" ? 1 : 4,
    },
    (trx, items) => messagesRepo.insertBatch(trx, items),
  );
  const tokens = new TokenService(new TokensRepository(db));
  const applications = new ApplicationService(new ApplicationsRepository(db));
  const eventTypes = new EventTypeService(new EventTypesRepository(db));
  const endpoints = new EndpointService(new EndpointsRepository(db), applications, secretBox, config);
  const messages = new MessageService(messagesRepo, applications, writer, wakeup);
  const attempts = new AttemptService(new AttemptsRepository(db), applications, endpoints, messages, eventTypes, wakeup);
  return {
    tokens,
    idempotency: new IdempotencyRepository(db),
    health: {
      check: async () => {
        await sql`select 1`.execute(db);
      },
    },
    applications,
    endpoints,
    eventTypes,
    messages,
    attempts,
    stats: new StatsService(new StatsRepository(db), applications, endpoints),
    queue: new QueueRepository(db),
    drain: () => writer.drain(),
  };
}
