import { IngestEndpointParams } from "../../contract/ingest.js";
import type { RouteModule } from "../app-deps.js";
import { transformationCrudRoutes } from "./transformation-routes.js";

/**
 * `…/ingest/…/endpoint/{endpoint_id}/transformation`, as `svix.ingest.endpoint.transformation.get/patch`
 * call it. An ingest endpoint is an endpoint of the source's internal application (ADR 20), so its
 * transformation is stored and run exactly like any endpoint's (ADR 16).
 */
export const ingestEndpointTransformationRoutes: RouteModule = (app, { services }) =>
  transformationCrudRoutes(
    app,
    {
      path: "/ingest/api/v1/source/:source_id/endpoint/:endpoint_id/transformation",
      params: IngestEndpointParams,
      tags: ["Ingest"],
      operation: "v1.ingest.endpoint.transformation",
      noun: "ingest endpoint",
      scopes: { read: "admin", write: "admin" },
      ids: (p) => [p.source_id, p.endpoint_id],
    },
    services.ingestTransformations,
  );
