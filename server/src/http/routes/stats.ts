import { z } from "zod";

import { AppParams, listResponse } from "../../contract/common.js";
import { QueueItemOut, QueueQuery } from "../../contract/queue.js";
import { EndpointLatencyOut, OverviewOut, OverviewQuery, Period } from "../../contract/stats.js";
import { AggregateEventTypesOut, AppUsageStatsIn, AppUsageStatsOut } from "../../contract/usage-stats.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Statistics"];

const background = "Answers 202 with a background task; poll `GET /api/v1/background-task/{task_id}` until it is `finished`.";

/** Hookrelay additions for the dashboard (overview, per-endpoint latency, retry queue), and Svix's usage statistics tasks. */
export const statsRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/stats/usage/app",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.statistics.aggregate-app-stats",
        summary: "Aggregate application usage",
        description: `Starts an \`application.stats\` task counting, per application, the messages created in \`[since, until)\`, their deliveries (\`messageDestinations\`: one per message and endpoint) and the attempts made in the period (\`attempts\`, \`successfulAttempts\`, \`failedAttempts\`); the finished task's \`data.appStats\` lists them. \`appIds\` (ids or uids) narrows it; those that match nothing come back in \`unresolvedAppIds\` (422 when none matches). Counts come from the live tables, so what retention deleted is not counted. ${background}`,
        body: AppUsageStatsIn,
        response: { 202: AppUsageStatsOut },
      },
    },
    async (req, reply) => reply.code(202).send(await services.backgroundTasks.aggregateAppStats(actorOf(req), req.body)),
  );

  app.put(
    "/api/v1/stats/usage/event-types",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.statistics.aggregate-event-types",
        summary: "Aggregate subscribed event types",
        description: `Starts an \`event-type.aggregate\` task; the finished task's \`data.event_types\` lists, per application, the event types its endpoints subscribe to by name (\`explicitlySubscribedEventTypes\`) and whether one endpoint takes every type (\`hasCatchAllEndpoint\`). ${background}`,
        response: { 202: AggregateEventTypesOut },
      },
    },
    async (req, reply) => reply.code(202).send(await services.backgroundTasks.aggregateEventTypes(actorOf(req))),
  );

  app.get(
    "/api/v1/stats/overview",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.stats.overview",
        summary: "Delivery overview",
        description: "Messages, attempt successes and failures (`successRate` counts attempts), latency percentiles, failing endpoints, queue depth and inbound counts over the last hour, day or week; `app_id` narrows it to one application.",
        querystring: OverviewQuery,
        response: { 200: OverviewOut },
      },
    },
    async (req) => services.stats.overview(principalOf(req), req.query.period, req.query.app_id),
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/latency",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.endpoint.latency",
        summary: "Endpoint latency",
        description: "The endpoint's attempt successes and failures, success rate and response-time percentiles (p50/p95/p99) over a period, with a time series.",
        params: AppParams.extend({ endpoint_id: z.string().min(1).max(256) }),
        querystring: z.object({ period: Period.default("day") }),
        response: { 200: EndpointLatencyOut },
      },
    },
    async (req) => services.stats.endpointLatency(principalOf(req), req.params.app_id, req.params.endpoint_id, req.query.period),
  );

  app.get(
    "/api/v1/app/:app_id/queue",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.queue.list",
        summary: "List queued deliveries",
        description: "Lists the application's queued deliveries (waiting for, or in, their next attempt).",
        params: AppParams,
        querystring: QueueQuery,
        response: { 200: listResponse(QueueItemOut) },
      },
    },
    async (req) => services.queue.list(principalOf(req), req.params.app_id, req.query),
  );
};
