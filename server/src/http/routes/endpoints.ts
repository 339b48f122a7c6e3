import { AppParams, ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  EndpointHeadersIn,
  EndpointHeadersOut,
  EndpointHeadersPatchIn,
  EndpointIn,
  EndpointOut,
  EndpointParams,
  EndpointPatch,
  EndpointSecretOut,
  EndpointSecretRotateIn,
  EndpointUpdate,
} from "../../contract/endpoints.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Endpoint"];
const path = "/api/v1/app/:app_id/endpoint/:endpoint_id";

/**
 * `/api/v1/app/{app_id}/endpoint…`: endpoint CRUD, secret and headers. The endpoint's
 * `stats`, `recover`, `send-example` and `msg` routes live with the attempts.
 */
export const endpointRoutes: RouteModule = (app, { services }) => {
  const endpoints = services.endpoints;

  app.get(
    "/api/v1/app/:app_id/endpoint",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.endpoint.list",
        summary: "List endpoints",
        description: "Lists the application's endpoints.",
        params: AppParams,
        querystring: ListQuery,
        response: { 200: listResponse(EndpointOut) },
      },
    },
    async (req) => endpoints.list(principalOf(req), req.params.app_id, req.query),
  );

  app.post(
    "/api/v1/app/:app_id/endpoint",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.create",
        summary: "Create an endpoint",
        description: "Adds a destination URL for the application's messages. `eventTypes` (or the older `filterTypes`) limits it to those event types, `channels` to those channels; without them it receives everything. A signing secret is generated unless `secret` is given. 422 when the URL is not an absolute http(s) URL.",
        params: AppParams,
        body: EndpointIn,
        response: { 201: EndpointOut },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await endpoints.create(actorOf(req), req.params.app_id, req.body)),
  );

  app.get(
    path,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.endpoint.get",
        summary: "Get an endpoint",
        description: "Returns one endpoint by id (`ep_…`) or uid.",
        params: EndpointParams,
        response: { 200: EndpointOut },
      },
    },
    async (req) => endpoints.get(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.put(
    path,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.update",
        summary: "Create or replace an endpoint",
        description: "Replaces the endpoint's fields (not its secret or headers, which have their own operations); creates it when it does not exist (201).",
        params: EndpointParams,
        body: EndpointUpdate,
        response: { 200: EndpointOut, 201: EndpointOut },
      },
    },
    async (req, reply) => {
      const { app_id, endpoint_id } = req.params;
      const { endpoint, created } = await endpoints.upsert(actorOf(req), app_id, endpoint_id, req.body);
      return reply.code(created ? 201 : 200).send(endpoint);
    },
  );

  app.patch(
    path,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.patch",
        summary: "Update an endpoint",
        description: "Changes only the fields sent; `null` clears. A `throttleRate` of 0 removes the limit; a `secret` rotates the signing secret.",
        params: EndpointParams,
        body: EndpointPatch,
        response: { 200: EndpointOut },
      },
    },
    async (req) => endpoints.patch(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body),
  );

  app.delete(
    path,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.delete",
        summary: "Delete an endpoint",
        description: "Deletes the endpoint; it receives no further deliveries.",
        params: EndpointParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.delete(actorOf(req), req.params.app_id, req.params.endpoint_id);
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/secret`,
    {
      // The signing secret lets its holder forge deliveries, so reading it takes the write scope
      // (Svix's read-only portal capability, ViewBase, does not show it either).
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.get-secret",
        summary: "Get the endpoint's signing secret",
        description: "Returns the `whsec_…` secret the endpoint's deliveries are signed with, so the receiver can verify them. Needs write access because the secret is sensitive.",
        params: EndpointParams,
        response: { 200: EndpointSecretOut },
      },
    },
    async (req) => endpoints.getSecret(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.post(
    `${path}/secret/rotate`,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.rotate-secret",
        summary: "Rotate the endpoint's signing secret",
        description: "Sets a new secret (generated unless `key` is given). The previous one keeps signing alongside it for `gracePeriodSeconds`, so receivers can switch without dropping deliveries.",
        params: EndpointParams,
        // The SDK posts `{}`; curl users often post nothing, which Fastify presents as null.
        body: EndpointSecretRotateIn.nullish(),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.rotateSecret(
        actorOf(req),
        req.params.app_id,
        req.params.endpoint_id,
        req.body ?? {},
      );
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/headers`,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.endpoint.get-headers",
        summary: "Get the endpoint's custom headers",
        description: "Returns the headers sent with every delivery; values of sensitive ones (listed in `sensitive`) are masked.",
        params: EndpointParams,
        response: { 200: EndpointHeadersOut },
      },
    },
    async (req) => endpoints.getHeaders(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.put(
    `${path}/headers`,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.update-headers",
        summary: "Replace the endpoint's custom headers",
        description: "Replaces every custom header. Signature, framing and `webhook-*`/`svix-*` headers are refused with 422.",
        params: EndpointParams,
        body: EndpointHeadersIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.updateHeaders(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
  );

  app.patch(
    `${path}/headers`,
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.endpoint.patch-headers",
        summary: "Update the endpoint's custom headers",
        description: "Adds or changes the headers sent; a `null` value or a name in `deleteHeaders` removes one.",
        params: EndpointParams,
        body: EndpointHeadersPatchIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.patchHeaders(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
  );
};
