import type { z } from "zod";

import { NoContent } from "../../contract/common.js";
import type { Scope } from "../../contract/scopes.js";
import { EndpointTransformationOut, EndpointTransformationPatch } from "../../contract/transformations.js";
import type { TransformationService } from "../../services/transformations.js";
import { actorOf } from "../actor.js";
import type { ZodApp } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** How one kind of endpoint's `…/transformation` routes are named, guarded and resolved. */
export interface TransformationRouteSpec<S extends z.ZodObject> {
  /** The transformation's path, e.g. `/ingest/api/v1/source/:source_id/endpoint/:endpoint_id/transformation`. */
  path: string;
  params: S;
  tags: string[];
  /** The operation ids' prefix: `v1.endpoint.transformation` gives `….get` and `….patch`. */
  operation: string;
  /** The endpoint's kind in summaries: `endpoint`, `ingest endpoint`. */
  noun: string;
  scopes: { read: Scope; write: Scope };
  /** The (application or source, endpoint) pair the service resolves, from the path. */
  ids(params: z.output<S>): [owner: string, endpoint: string];
}

/**
 * `GET`/`PATCH …/transformation` of an endpoint (ADR 16): the same shapes, service and audit
 * wherever Svix puts them (application endpoints, ingest endpoints), so they are declared once.
 *
 * @example transformationCrudRoutes(app, spec, services.transformations)
 */
export function transformationCrudRoutes<S extends z.ZodObject>(
  app: ZodApp,
  spec: TransformationRouteSpec<S>,
  transformations: TransformationService,
): void {
  const { path, params, tags, operation, noun, scopes } = spec;
  const ids = (req: { params: unknown }) => spec.ids(req.params as z.output<S>);

  app.get(
    path,
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: `${operation}.get`,
        summary: `Get the ${noun}'s transformation`,
        description: `The ${noun}'s \`function handler(webhook)\` code and whether it runs on each delivery.`,
        params,
        response: { 200: EndpointTransformationOut },
      },
    },
    async (req) => transformations.get(principalOf(req), ...ids(req)),
  );

  app.patch(
    path,
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: `${operation}.patch`,
        summary: `Set or unset the ${noun}'s transformation`,
        description:
          "Sets the code (null removes it) and/or `enabled`; what is left out is kept. While enabled, every delivery to " +
          "the endpoint first runs `handler(webhook)` in a QuickJS/WebAssembly sandbox (no host access, time and memory " +
          "limits): it may change `payload`, `eventType`, `method` (POST, PUT, PATCH) and `url`, add `headers`, or set " +
          "`cancel`. The transformed payload is what is signed and sent. A failing handler fails the attempt (retried as " +
          "usual) with the reason in the attempt's response. Audited as `endpoint.transformation.update`.",
        params,
        body: EndpointTransformationPatch,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await transformations.patch(actorOf(req), ...ids(req), req.body);
      return reply.code(204).send();
    },
  );
}
