import { AppParams, ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  InboundReprocessIn,
  InboundReprocessOut,
  InboundRequestDetailOut,
  InboundRequestListQuery,
  InboundRequestOut,
  InboundRequestParams,
  SourceIn,
  SourceOut,
  SourceParams,
  SourcePatch,
} from "../../contract/sources.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { idempotencyKeyOf } from "../idempotency.js";
import { publicBaseUrl } from "../public-url.js";

const tags = ["Source"];
const inboundTags = ["Inbound"];

/** Inbound sources of an application, their request log, and re-process of a logged request. */
export const sourceRoutes: RouteModule = (app, { services, config }) => {
  const sources = services.sources;
  const inboundLog = services.inboundLog;
  const reprocess = services.inboundReprocess;

  app.get(
    "/api/v1/app/:app_id/source",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.source.list",
        summary: "List inbound sources",
        description: "Lists the application's inbound sources (Stripe, GitHub, delivery platforms …). Secrets in `config` come back masked.",
        params: AppParams,
        querystring: ListQuery,
        response: { 200: listResponse(SourceOut) },
      },
    },
    async (req) => sources.list(principalOf(req), req.params.app_id, req.query, publicBaseUrl(config, req)),
  );

  app.post(
    "/api/v1/app/:app_id/source",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags,
        operationId: "hookrelay.source.create",
        summary: "Create an inbound source",
        description: "Registers a provider whose webhooks Hookrelay verifies and turns into messages. The answer's `ingestUrl` is the URL to give the provider. 422 when the provider's required settings are missing.",
        params: AppParams,
        body: SourceIn,
        response: { 201: SourceOut },
      },
    },
    async (req, reply) => {
      const out = await sources.create(
        actorOf(req),
        req.params.app_id,
        req.body,
        publicBaseUrl(config, req),
      );
      return reply.code(201).send(out);
    },
  );

  app.get(
    "/api/v1/app/:app_id/source/:source_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.source.get",
        summary: "Get an inbound source",
        description: "Returns one source with its ingest URLs; secrets masked.",
        params: SourceParams,
        response: { 200: SourceOut },
      },
    },
    async (req) =>
      sources.get(principalOf(req), req.params.app_id, req.params.source_id, publicBaseUrl(config, req)),
  );

  app.put(
    "/api/v1/app/:app_id/source/:source_id",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags,
        operationId: "hookrelay.source.update",
        summary: "Create or replace an inbound source",
        description: "Replaces the source's settings; creates it when it does not exist (201).",
        params: SourceParams,
        body: SourceIn,
        response: { 200: SourceOut, 201: SourceOut },
      },
    },
    async (req, reply) => {
      const { source, created } = await sources.upsert(
        actorOf(req),
        req.params.app_id,
        req.params.source_id,
        req.body,
        publicBaseUrl(config, req),
      );
      return reply.code(created ? 201 : 200).send(source);
    },
  );

  app.patch(
    "/api/v1/app/:app_id/source/:source_id",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags,
        operationId: "hookrelay.source.patch",
        summary: "Update an inbound source",
        description: "Changes only the fields sent; `config` is merged key by key (replaced when the provider changes).",
        params: SourceParams,
        body: SourcePatch,
        response: { 200: SourceOut },
      },
    },
    async (req) =>
      sources.patch(
        actorOf(req),
        req.params.app_id,
        req.params.source_id,
        req.body,
        publicBaseUrl(config, req),
      ),
  );

  app.delete(
    "/api/v1/app/:app_id/source/:source_id",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags,
        operationId: "hookrelay.source.delete",
        summary: "Delete an inbound source",
        description: "Deletes the source; its ingest URL then answers 404.",
        params: SourceParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await sources.delete(actorOf(req), req.params.app_id, req.params.source_id);
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/v1/app/:app_id/source/:source_id/request",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags: inboundTags,
        operationId: "hookrelay.inbound-request.list",
        summary: "List inbound requests",
        description: "Lists the requests a source received, with the outcome of verification and the message each produced.",
        params: SourceParams,
        querystring: InboundRequestListQuery,
        response: { 200: listResponse(InboundRequestOut) },
      },
    },
    async (req) => inboundLog.listRequests(principalOf(req), req.params.app_id, req.params.source_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/source/:source_id/request/:req_id",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags: inboundTags,
        operationId: "hookrelay.inbound-request.get",
        summary: "Get an inbound request",
        description: "Returns one received request: its headers, body and outcome.",
        params: InboundRequestParams,
        response: { 200: InboundRequestDetailOut },
      },
    },
    async (req) =>
      inboundLog.getRequest(principalOf(req), req.params.app_id, req.params.source_id, req.params.req_id),
  );

  app.post(
    "/api/v1/app/:app_id/source/:source_id/request/:req_id/retry",
    {
      config: { scope: "inbound:manage" },
      schema: {
        tags: inboundTags,
        operationId: "hookrelay.inbound-request.retry",
        summary: "Re-process an inbound request",
        description:
          "Processes a logged request again into a new message, recorded as a link of its own. " +
          'A rejected request needs `{"force": true}` and an unscoped token. ' +
          "An Idempotency-Key makes a repeated call answer with the first result.",
        params: InboundRequestParams,
        // Optional: a POST without a body (or with `{}`) re-processes an accepted request.
        body: InboundReprocessIn.nullish(),
        response: { 200: InboundReprocessOut },
      },
    },
    async (req) =>
      reprocess.reprocess(
        actorOf(req),
        req.params.app_id,
        req.params.source_id,
        req.params.req_id,
        req.body ?? { force: false },
        { idempotency: idempotencyKeyOf(req, 200) },
      ),
  );
};
