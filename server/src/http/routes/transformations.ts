import { EndpointParams } from "../../contract/endpoints.js";
import { TransformationSimulateIn, TransformationSimulateOut } from "../../contract/transformations.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { transformationCrudRoutes } from "./transformation-routes.js";

const path = "/api/v1/app/:app_id/endpoint/:endpoint_id/transformation";
const tags = ["Endpoint"];

/**
 * `…/endpoint/{endpoint_id}/transformation`: Svix's endpoint transformations (ADR 16), as
 * `svix.endpoint.transformation.get/patch` (and the deprecated `transformationPartialUpdate`)
 * call them, plus `…/simulate`, a test run.
 */
export const transformationRoutes: RouteModule = (app, { services }) => {
  const transformations = services.transformations;

  transformationCrudRoutes(
    app,
    {
      path,
      params: EndpointParams,
      tags,
      operation: "v1.endpoint.transformation",
      noun: "endpoint",
      scopes: { read: "app:read", write: "app:write" },
      ids: (p) => [p.app_id, p.endpoint_id],
    },
    transformations,
  );

  app.post(
    `${path}/simulate`,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.transformation.simulate",
        summary: "Test-run transformation code",
        description:
          "Runs `code` on `payload` and `eventType` as a delivery to this endpoint would, and answers what would be " +
          "sent: `payload` as the exact JSON text signed, `url`, `method`, `cancel`, `eventType` and added `headers`. " +
          "Changes nothing. A handler that throws, times out, runs out of memory or returns a bad shape answers 422 " +
          "(`transformation_error`, `_timeout`, `_memory`, `_invalid`) with the reason.",
        params: EndpointParams,
        body: TransformationSimulateIn,
        response: { 200: TransformationSimulateOut },
      },
    },
    async (req) =>
      transformations.simulate(principalOf(req), req.params.app_id, req.params.endpoint_id, req.body),
  );
};
