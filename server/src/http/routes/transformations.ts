import { NoContent } from "../../contract/common.js";
import { EndpointParams } from "../../contract/endpoints.js";
import {
  EndpointTransformationOut,
  EndpointTransformationPatch,
  TransformationSimulateIn,
  TransformationSimulateOut,
} from "../../contract/transformations.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const path = "/api/v1/app/:app_id/endpoint/:endpoint_id/transformation";
const tags = ["Endpoint"];

/**
 * `…/endpoint/{endpoint_id}/transformation`: Svix's endpoint transformations (ADR 16), as
 * `svix.endpoint.transformation.get/patch` (and the deprecated `transformationPartialUpdate`)
 * call them, plus `…/simulate`, a test run.
 */
export const transformationRoutes: RouteModule = (app, { services }) => {
  const transformations = services.transformations;

  app.get(
    path,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.endpoint.transformation.get",
        summary: "Get the endpoint's transformation",
        description: "The endpoint's `function handler(webhook)` code and whether it runs on each delivery.",
        params: EndpointParams,
        response: { 200: EndpointTransformationOut },
      },
    },
    async (req) => transformations.get(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.patch(
    path,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.transformation.patch",
        summary: "Set or unset the endpoint's transformation",
        description:
          "Sets the code (null removes it) and/or `enabled`; what is left out is kept. While enabled, every delivery to " +
          "the endpoint first runs `handler(webhook)` in a QuickJS/WebAssembly sandbox (no host access, time and memory " +
          "limits): it may change `payload`, `eventType`, `method` (POST, PUT, PATCH) and `url`, add `headers`, or set " +
          "`cancel`. The transformed payload is what is signed and sent. A failing handler fails the attempt (retried as " +
          "usual) with the reason in the attempt's response. Audited as `endpoint.transformation.update`.",
        params: EndpointParams,
        body: EndpointTransformationPatch,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await transformations.patch(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
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
