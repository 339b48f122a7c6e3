import type { RouteModule } from "../app-deps.js";
import { applicationRoutes } from "./applications.js";
import { attemptRoutes } from "./attempts.js";
import { auditRoutes } from "./audit.js";
import { backgroundTaskRoutes } from "./background-tasks.js";
import { backupRoutes } from "./backup.js";
import { endpointFifoRoutes } from "./endpoint-fifo.js";
import { endpointGradeRoutes } from "./endpoint-grade.js";
import { endpointRoutes } from "./endpoints.js";
import { environmentRoutes } from "./environment.js";
import { eventTypeOpenApiRoutes } from "./event-type-openapi.js";
import { eventTypeRoutes } from "./event-types.js";
import { healthRoutes } from "./health.js";
import { inboundStatsRoutes } from "./inbound-stats.js";
import { ingestRoutes } from "./ingest.js";
import { ingestEndpointTransformationRoutes } from "./ingest-endpoint-transformation.js";
import { ingestEndpointRoutes } from "./ingest-endpoints.js";
import { ingestSourceRoutes } from "./ingest-sources.js";
import { messagePrecheckRoutes } from "./message-precheck.js";
import { messageRoutes } from "./messages.js";
import { operationalWebhookRoutes } from "./operational-webhooks.js";
import { pollerRoutes } from "./poller.js";
import { retryScheduleRoutes } from "./retry-schedules.js";
import { sourceRoutes } from "./sources.js";
import { statsRoutes } from "./stats.js";
import { tokenRoutes } from "./tokens.js";
import { transformationRoutes } from "./transformations.js";
import { verifyRoutes } from "./verify.js";

/** Every route module, registered in this order by buildApp. */
export const routes: RouteModule[] = [
  healthRoutes,
  applicationRoutes,
  eventTypeRoutes,
  eventTypeOpenApiRoutes,
  environmentRoutes,
  endpointRoutes,
  retryScheduleRoutes,
  endpointGradeRoutes,
  transformationRoutes,
  endpointFifoRoutes,
  messageRoutes,
  messagePrecheckRoutes,
  attemptRoutes,
  backgroundTaskRoutes,
  pollerRoutes,
  tokenRoutes,
  statsRoutes,
  sourceRoutes,
  inboundStatsRoutes,
  ingestRoutes,
  auditRoutes,
  backupRoutes,
  verifyRoutes,
  operationalWebhookRoutes,
  ingestSourceRoutes,
  ingestEndpointRoutes,
  ingestEndpointTransformationRoutes,
];
