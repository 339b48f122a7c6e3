import { AttemptListQuery, MessageAttemptOut } from "../../contract/attempts.js";
import { ListQuery, listResponse, NoContent } from "../../contract/common.js";
import { EndpointIn, EndpointUpdate } from "../../contract/endpoints.js";
import { OperationalEndpointParams, OperationalWebhookEndpointOut } from "../../contract/operational-webhooks.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { endpointCredentialRoutes } from "./endpoint-credential-routes.js";

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

  endpointCredentialRoutes(
    app,
    { path, params, tags, operation: "v1.operational-webhook.endpoint", noun: "operational endpoint", sent: "events" },
    {
      getSecret: (principal, p) => ops.getSecret(principal, p.endpoint_id),
      rotateSecret: (actor, p, input) => ops.rotateSecret(actor, p.endpoint_id, input),
      getHeaders: (principal, p) => ops.getHeaders(principal, p.endpoint_id),
      setHeaders: (actor, p, input) => ops.updateHeaders(actor, p.endpoint_id, input),
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
