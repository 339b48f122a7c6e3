import { ListQuery, listResponse, NoContent } from "../../contract/common.js";
import { EndpointHeadersIn, EndpointHeadersOut, EndpointSecretOut, EndpointSecretRotateIn } from "../../contract/endpoints.js";
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

  app.get(
    `${path}/secret`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.get-secret",
        summary: "Get an ingest endpoint's signing secret",
        description: "Returns the `whsec_…` secret the relayed calls are signed with (Standard Webhooks).",
        params,
        response: { 200: EndpointSecretOut },
      },
    },
    async (req) => endpoints.getSecret(principalOf(req), req.params.source_id, req.params.endpoint_id),
  );

  app.post(
    `${path}/secret/rotate`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.rotate-secret",
        summary: "Rotate an ingest endpoint's signing secret",
        description: "Sets a new secret (generated unless `key` is given); the previous one keeps signing for `gracePeriodSeconds` (default 24 hours).",
        params,
        body: EndpointSecretRotateIn.nullish(),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.rotateSecret(actorOf(req), req.params.source_id, req.params.endpoint_id, req.body ?? {});
      return reply.code(204).send();
    },
  );

  app.get(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.get-headers",
        summary: "Get an ingest endpoint's custom headers",
        description: "Returns the headers sent with every relayed call; values of sensitive ones are masked.",
        params,
        response: { 200: EndpointHeadersOut },
      },
    },
    async (req) => endpoints.getHeaders(principalOf(req), req.params.source_id, req.params.endpoint_id),
  );

  app.put(
    `${path}/headers`,
    {
      config,
      schema: {
        tags,
        operationId: "v1.ingest.endpoint.set-headers",
        summary: "Replace an ingest endpoint's custom headers",
        description: "Replaces every custom header sent with the endpoint's relayed calls.",
        params,
        body: EndpointHeadersIn,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await endpoints.setHeaders(actorOf(req), req.params.source_id, req.params.endpoint_id, req.body);
      return reply.code(204).send();
    },
  );
};
