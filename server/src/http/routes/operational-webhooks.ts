import { AttemptListQuery,MessageAttemptOut } from "../../contract/attempts.js";
import { ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  EndpointHeadersIn,
  EndpointHeadersOut,
  EndpointIn,
  EndpointSecretOut,
  EndpointSecretRotateIn,
  EndpointUpdate,
} from "../../contract/endpoints.js";
import { OperationalEndpointParams, OperationalWebhookEndpointOut } from "../../contract/operational-webhooks.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Operational webhooks"];
const base = "/api/v1/operational-webhook/endpoint";
const path = `${base}/:endpoint_id`;
const params = OperationalEndpointParams;

/**
 * `/api/v1/operational-webhook/endpoint…`: Svix's operational-webhook endpoints (what
 * `svix.operationalWebhook.endpoint.*` calls), admin only. They receive events about the
 * gateway itself (endpoint changes, failing and exhausted deliveries, circuit changes, failing
 * inbound sources), signed and retried like any delivery. The attempt listing is ours.
 */
export const operationalWebhookRoutes: RouteModule = (app, { services }) => {
  const ops = services.operationalWebhooks;
  const config = { scope: "admin" } as const;

  app.get(
    base,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.list",
        summary: "List operational webhook endpoints",
        description: "Lists the endpoints that receive operational events.",
        querystring: ListQuery,
        response: { 200: listResponse(OperationalWebhookEndpointOut) },
      },
    },
    async (req) => ops.list(principalOf(req), req.query),
  );

  app.post(
    base,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.create",
        summary: "Create an operational webhook endpoint",
        description: "Adds a URL that receives operational events; `eventTypes` limits it to those types (see the README's event list). A signing secret is generated unless `secret` is given.",
        body: EndpointIn,
        response: { 201: OperationalWebhookEndpointOut },
      },
    },
    async (req, reply) => reply.code(201).send(await ops.create(actorOf(req), req.body)),
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.get",
        summary: "Get an operational webhook endpoint",
        description: "Returns one operational endpoint by id (`ep_…`) or uid.",
        params,
        response: { 200: OperationalWebhookEndpointOut },
      },
    },
    async (req) => ops.get(principalOf(req), req.params.endpoint_id),
  );

  app.put(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.upsert",
        summary: "Create or replace an operational webhook endpoint",
        description: "Replaces the endpoint's fields (not its secret or headers); creates it with the path value as uid when it does not exist (201).",
        params,
        body: EndpointUpdate,
        response: { 200: OperationalWebhookEndpointOut, 201: OperationalWebhookEndpointOut },
      },
    },
    async (req, reply) => {
      const { endpoint, created } = await ops.upsert(actorOf(req), req.params.endpoint_id, req.body);
      return reply.code(created ? 201 : 200).send(endpoint);
    },
  );

  app.delete(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.delete",
        summary: "Delete an operational webhook endpoint",
        description: "Deletes the endpoint; it receives no further events.",
        params,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await ops.delete(actorOf(req), req.params.endpoint_id);
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/secret`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.get-secret",
        summary: "Get an operational endpoint's signing secret",
        description: "Returns the `whsec_…` secret the endpoint's events are signed with (Standard Webhooks).",
        params,
        response: { 200: EndpointSecretOut },
      },
    },
    async (req) => ops.getSecret(principalOf(req), req.params.endpoint_id),
  );

  app.post(
    `${path}/secret/rotate`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.rotate-secret",
        summary: "Rotate an operational endpoint's signing secret",
        description: "Sets a new secret (generated unless `key` is given); the previous one keeps signing for `gracePeriodSeconds`.",
        params,
        body: EndpointSecretRotateIn.nullish(),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await ops.rotateSecret(actorOf(req), req.params.endpoint_id, req.body ?? {});
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.get-headers",
        summary: "Get an operational endpoint's custom headers",
        description: "Returns the headers sent with every event; values of sensitive ones are masked.",
        params,
        response: { 200: EndpointHeadersOut },
      },
    },
    async (req) => ops.getHeaders(principalOf(req), req.params.endpoint_id),
  );

  app.put(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.operational-webhook.endpoint.set-headers",
        summary: "Replace an operational endpoint's custom headers",
        description: "Replaces every custom header sent with the endpoint's events.",
        params,
        body: EndpointHeadersIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await ops.updateHeaders(actorOf(req), req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/attempt`,
    {
      config,
      schema: {
        tags,
        operationId: "hookrelay.operational-webhook.endpoint.list-attempts",
        summary: "List attempts to an operational endpoint",
        description: "Hookrelay's own: the delivery attempts of operational events to this endpoint, newest first, with the same filters as the endpoint attempt listing.",
        params,
        querystring: AttemptListQuery,
        response: { 200: listResponse(MessageAttemptOut) },
      },
    },
    async (req) => ops.listAttempts(principalOf(req), req.params.endpoint_id, req.query),
  );
};
