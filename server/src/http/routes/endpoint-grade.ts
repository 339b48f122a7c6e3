import { GradeReportOut } from "../../contract/endpoint-grade.js";
import { EndpointParams } from "../../contract/endpoints.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";

/** `POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/grade`: the receiver conformance grader (ADR 15). */
export const endpointGradeRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/grade",
    {
      config: { scope: "app:write" },
      schema: {
        tags: ["Endpoint"],
        operationId: "v1.endpoint.grade",
        summary: "Grade the endpoint's receiver",
        description:
          "Sends the endpoint's URL nine Standard Webhooks deliveries signed with its current secret (valid, the same one " +
          "again, two v1 signatures during a rotation, a signature from another key, a signature of another body, " +
          "timestamps 10 minutes old and ahead, no webhook headers, only a v1a entry) and reports which the receiver " +
          "answered correctly: 2xx for the first three, 4xx for the rest; 3xx, 5xx and timeouts are wrong. Each miss " +
          "comes with its fix. Audited as `endpoint.grade`; through the SSRF guard (422 `endpoint_address_refused`); " +
          "409 while a run for the endpoint is in progress.",
        params: EndpointParams,
        response: { 200: GradeReportOut },
      },
    },
    async (req) => services.endpointGrade.grade(actorOf(req), req.params.app_id, req.params.endpoint_id),
  );
};
