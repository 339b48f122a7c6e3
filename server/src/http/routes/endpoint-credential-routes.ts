import type { z } from "zod";

import { NoContent } from "../../contract/common.js";
import { EndpointHeadersIn, EndpointHeadersOut, EndpointSecretOut, EndpointSecretRotateIn } from "../../contract/endpoints.js";
import type { Actor, Principal } from "../../services/principal.js";
import { actorOf } from "../actor.js";
import type { ZodApp } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** The calls behind the four routes, given the request's path parameters. */
export interface EndpointCredentials<P> {
  getSecret(principal: Principal, params: P): Promise<EndpointSecretOut>;
  rotateSecret(actor: Actor, params: P, input: EndpointSecretRotateIn): Promise<void>;
  getHeaders(principal: Principal, params: P): Promise<EndpointHeadersOut>;
  setHeaders(actor: Actor, params: P, input: EndpointHeadersIn): Promise<void>;
}

/** How the routes are named and described. */
export interface EndpointCredentialSpec<S extends z.ZodObject> {
  /** The endpoint's path, e.g. `/ingest/api/v1/source/:source_id/endpoint/:endpoint_id`. */
  path: string;
  params: S;
  tags: string[];
  /** The operation ids' prefix: `v1.ingest.endpoint` gives `v1.ingest.endpoint.get-secret` … */
  operation: string;
  /** The endpoint's kind in summaries: `operational endpoint`, `ingest endpoint`. */
  noun: string;
  /** What the endpoint is sent, in descriptions: `events`, `relayed calls`. */
  sent: string;
}

/**
 * `…/secret`, `…/secret/rotate` and `…/headers` (GET, PUT) of an endpoint kept apart from the
 * application routes (operational webhooks, ingest endpoints): Svix gives them the same shapes
 * wherever they appear, so they are declared once. Admin scope.
 *
 * @example endpointCredentialRoutes(app, { path, params, tags, operation: "v1.ingest.endpoint", noun: "ingest endpoint", sent: "relayed calls" }, calls)
 */
export function endpointCredentialRoutes<S extends z.ZodObject>(
  app: ZodApp,
  spec: EndpointCredentialSpec<S>,
  calls: EndpointCredentials<z.output<S>>,
): void {
  const { path, params, tags, operation, noun, sent } = spec;
  const config = { scope: "admin" } as const;
  const paramsOf = (req: { params: unknown }): z.output<S> => req.params as z.output<S>;

  app.get(
    `${path}/secret`,
    {
      config,
      schema: {
        tags,
        operationId: `${operation}.get-secret`,
        summary: `Get an ${noun}'s signing secret`,
        description: `Returns the \`whsec_…\` secret the endpoint's ${sent} are signed with (Standard Webhooks).`,
        params,
        response: { 200: EndpointSecretOut },
      },
    },
    async (req) => calls.getSecret(principalOf(req), paramsOf(req)),
  );

  app.post(
    `${path}/secret/rotate`,
    {
      config,
      schema: {
        tags,
        operationId: `${operation}.rotate-secret`,
        summary: `Rotate an ${noun}'s signing secret`,
        description: "Sets a new secret (generated unless `key` is given); the previous one keeps signing for `gracePeriodSeconds`.",
        params,
        body: EndpointSecretRotateIn.nullish(),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await calls.rotateSecret(actorOf(req), paramsOf(req), req.body ?? {});
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: `${operation}.get-headers`,
        summary: `Get an ${noun}'s custom headers`,
        description: `Returns the headers sent with every one of the endpoint's ${sent}; values of sensitive ones are masked.`,
        params,
        response: { 200: EndpointHeadersOut },
      },
    },
    async (req) => calls.getHeaders(principalOf(req), paramsOf(req)),
  );

  app.put(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: `${operation}.set-headers`,
        summary: `Replace an ${noun}'s custom headers`,
        description: `Replaces every custom header sent with the endpoint's ${sent}.`,
        params,
        body: EndpointHeadersIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await calls.setHeaders(actorOf(req), paramsOf(req), req.body);
      return reply.code(204).send();
    },
  );
}
