import { NoContent } from "../../contract/common.js";
import { IngestEndpointParams } from "../../contract/ingest.js";
import { EndpointTransformationOut, EndpointTransformationPatch } from "../../contract/transformations.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const path = "/ingest/api/v1/source/:source_id/endpoint/:endpoint_id/transformation";
const tags = ["Ingest"];

/**
 * `…/ingest/…/endpoint/{endpoint_id}/transformation`, as `svix.ingest.endpoint.transformation.get/patch`
 * call it. An ingest endpoint is an endpoint of the source's internal application (ADR 20), so its
 * transformation is stored and run exactly like any endpoint's (ADR 16).
 */
export const ingestEndpointTransformationRoutes: RouteModule = (app, { services }) => {
  const transformations = services.ingestTransformations;
  const config = { scope: "admin" } as const;

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.transformation.get",
        summary: "Get the ingest endpoint's transformation",
        description: "The ingest endpoint's `function handler(webhook)` code and whether it runs on each delivery.",
        params: IngestEndpointParams,
        response: { 200: EndpointTransformationOut },
      },
    },
    async (req) => transformations.get(principalOf(req), req.params.source_id, req.params.endpoint_id),
  );

  app.patch(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.transformation.patch",
        summary: "Set or unset the ingest endpoint's transformation",
        description:
          "Sets the code (null removes it) and/or `enabled`; what is left out is kept. Runs like an endpoint's " +
          "transformation: in the worker, before signing, in a QuickJS/WebAssembly sandbox. Audited as " +
          "`endpoint.transformation.update`.",
        params: IngestEndpointParams,
        body: EndpointTransformationPatch,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await transformations.patch(actorOf(req), req.params.source_id, req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
  );
};
