import { ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  IngestEndpointIn,
  IngestEndpointOut,
  IngestEndpointParams,
  IngestEndpointUpsertIn,
  IngestSourceParams,
} from "../../contract/ingest.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { endpointCredentialRoutes } from "./endpoint-credential-routes.js";

const tags = ["Ingest"];
const base = "/ingest/api/v1/source/:source_id/endpoint";
const path = `${base}/:endpoint_id`;
const params = IngestEndpointParams;

/**
 * `/ingest/api/v1/source/{source_id}/endpoint…`: the endpoints an ingest source relays to (what
 * `svix.ingest.endpoint.*` calls), admin only. Each verified call to the source is delivered to
 * every enabled endpoint, signed with the endpoint's secret (Standard Webhooks), retried and logged.
 */
export const ingestEndpointRoutes: RouteModule = (app, { services }) => {
  const endpoints = services.ingestEndpoints;
  const config = { scope: "admin" } as const;

  app.get(
    base,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.list",
        summary: "List ingest endpoints",
        description: "Lists the endpoints the source's calls are delivered to.",
        params: IngestSourceParams,
        querystring: ListQuery,
        response: { 200: listResponse(IngestEndpointOut) },
      },
    },
    async (req) => endpoints.list(principalOf(req), req.params.source_id, req.query),
  );

  app.post(
    base,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.create",
        summary: "Create an ingest endpoint",
        description: "Adds a URL the source's verified calls are delivered to. A signing secret is generated unless `secret` is given.",
        params: IngestSourceParams,
        body: IngestEndpointIn,
        response: { 201: IngestEndpointOut },
      },
    },
    async (req, reply) => reply.code(201).send(await endpoints.create(actorOf(req), req.params.source_id, req.body)),
  );

  app.get(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.get",
        summary: "Get an ingest endpoint",
        description: "Returns one of the source's endpoints by id (`ep_…`) or uid.",
        params,
        response: { 200: IngestEndpointOut },
      },
    },
    async (req) => endpoints.get(principalOf(req), req.params.source_id, req.params.endpoint_id),
  );

  app.put(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.upsert",
        summary: "Create or replace an ingest endpoint",
        description: "Replaces the endpoint's fields (not its secret or headers); creates it with the path value as uid when it does not exist.",
        params,
        body: IngestEndpointUpsertIn,
        response: { 200: IngestEndpointOut },
      },
    },
    async (req) =>
      (await endpoints.upsert(actorOf(req), req.params.source_id, req.params.endpoint_id, req.body)).endpoint,
  );

  app.delete(
    path,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.delete",
        summary: "Delete an ingest endpoint",
        description: "Deletes the endpoint; it receives no further calls.",
        params,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.delete(actorOf(req), req.params.source_id, req.params.endpoint_id);
      return reply.code(204).send();
    },
  );

  endpointCredentialRoutes(
    app,
    { path, params, tags, operation: "v1.ingest.endpoint", noun: "ingest endpoint", sent: "relayed calls" },
    {
      getSecret: (principal, p) => endpoints.getSecret(principal, p.source_id, p.endpoint_id),
      rotateSecret: (actor, p, input) => endpoints.rotateSecret(actor, p.source_id, p.endpoint_id, input),
      getHeaders: (principal, p) => endpoints.getHeaders(principal, p.source_id, p.endpoint_id),
      setHeaders: (actor, p, input) => endpoints.setHeaders(actor, p.source_id, p.endpoint_id, input),
    },
  );
};
