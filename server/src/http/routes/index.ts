import type { RouteModule } from "../app-deps.js";
import { applicationRoutes } from "./applications.js";
import { attemptRoutes } from "./attempts.js";
import { auditRoutes } from "./audit.js";
import { endpointRoutes } from "./endpoints.js";
import { eventTypeRoutes } from "./event-types.js";
import { healthRoutes } from "./health.js";
import { inboundStatsRoutes } from "./inbound-stats.js";
import { ingestRoutes } from "./ingest.js";
import { messageRoutes } from "./messages.js";
import { pollerRoutes } from "./poller.js";
import { sourceRoutes } from "./sources.js";
import { statsRoutes } from "./stats.js";
import { tokenRoutes } from "./tokens.js";

/** Every route module, registered in this order by buildApp. */
export const routes: RouteModule[] = [
  healthRoutes,
  applicationRoutes,
  eventTypeRoutes,
  endpointRoutes,
  messageRoutes,
  attemptRoutes,
  pollerRoutes,
  tokenRoutes,
  statsRoutes,
  sourceRoutes,
  inboundStatsRoutes,
  ingestRoutes,
  auditRoutes,
];
