import { InboundStatsOut, InboundStatsQuery } from "../../contract/sources.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** `GET /api/v1/stats/inbound`: what providers sent and what became of it. */
export const inboundStatsRoutes: RouteModule = (app, { services }) => {
  app.get(
    "/api/v1/stats/inbound",
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Statistics"],
        operationId: "hookrelay.stats.inbound",
        summary: "Inbound overview",
        description: "Inbound requests over a period: accepted, rejected (by reason) and duplicate, with processing-time percentiles.",
        querystring: InboundStatsQuery,
        response: { 200: InboundStatsOut },
      },
    },
    async (req) => services.inboundLog.stats(principalOf(req), req.query),
  );
};
