import { z } from "zod";

import { AppParams, Iso, listResponse } from "../../contract/common.js";
import { QueueItemOut, QueueQuery } from "../../contract/queue.js";
import { EndpointLatencyOut, OverviewOut, OverviewQuery, Period } from "../../contract/stats.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Statistics"];
const STATUS = { pending: 1, sending: 3, fail: 2 } as const;
const STATUS_TEXT: Record<number, string> = { 0: "success", 1: "pending", 2: "fail", 3: "sending" };

/** Hookrelay additions for the dashboard: overview, per-endpoint latency, retry queue. */
export const statsRoutes: RouteModule = (app, { services }) => {
  app.get(
    "/api/v1/stats/overview",
    { config: { scope: "app:read" }, schema: { tags, operationId: "hookrelay.stats.overview", querystring: OverviewQuery, response: { 200: OverviewOut } } },
    async (req) => services.stats.overview(principalOf(req), req.query.period, req.query.app_id),
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/latency",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.endpoint.latency",
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
      schema: { tags, operationId: "hookrelay.queue.list", params: AppParams, querystring: QueueQuery, response: { 200: listResponse(QueueItemOut) } },
    },
    async (req) => {
      const appRow = await services.applications.resolve(principalOf(req), req.params.app_id);
      const page = await services.queue.list(appRow.id, STATUS[req.query.status], req.query);
      return {
        ...page,
        data: page.data.map((r) => ({
          msgId: r.msg_id,
          endpointId: r.endpoint_id,
          endpointUrl: r.url,
          eventType: r.event_type,
          status: r.status,
          statusText: STATUS_TEXT[r.status] ?? "pending",
          attempts: r.attempt_count,
          nextAttempt: r.status === STATUS.pending && r.due_at !== null ? Iso(r.due_at) : null,
          lastStatusCode: r.last_status_code,
          updatedAt: Iso(r.updated_at),
        })),
      };
    },
  );
};
