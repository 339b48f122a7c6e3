import { ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  IngestSourceConsumerPortalAccessIn,
  IngestSourceIn,
  IngestSourceOut,
  IngestSourceParams,
  IngestSourcePatch,
  RotateTokenOut,
} from "../../contract/ingest.js";
import { AppPortalAccessOut } from "../../contract/tokens.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { publicBaseUrl } from "../public-url.js";

const tags = ["Ingest"];
const base = "/ingest/api/v1/source";
const path = `${base}/:source_id`;
const params = IngestSourceParams;

/**
 * `/ingest/api/v1/source…`: Svix's ingest sources (what `svix.ingest.source.*` and
 * `svix.ingest.authentication.consumerPortalAccess` call), admin only (ADR 20). The endpoints
 * of a source are in `ingest-endpoints.ts`; providers post to the `ingestUrl` (`ingest.ts`).
 */
export const ingestSourceRoutes: RouteModule = (app, { services, config }) => {
  const ingest = services.ingestSources;
  const admin = { scope: "admin" } as const;

  app.get(
    base,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.list",
        summary: "List ingest sources",
        description: "Lists the ingest sources with their ingest URLs; secrets in `config` come back masked.",
        querystring: ListQuery,
        response: { 200: listResponse(IngestSourceOut) },
      },
    },
    async (req) => ingest.list(principalOf(req), req.query, publicBaseUrl(config, req)),
  );

  app.post(
    base,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.create",
        summary: "Create an ingest source",
        description:
          "Creates a source whose `ingestUrl` a provider posts to: each call is verified with the type's scheme " +
          "(`stripe`, `github`, `svix` …; `generic-webhook` verifies nothing) and relayed to the source's endpoints, " +
          "signed, retried and logged. 422 for an unknown type or missing settings.",
        body: IngestSourceIn,
        response: { 201: IngestSourceOut },
      },
    },
    async (req, reply) => reply.code(201).send(await ingest.create(actorOf(req), req.body, publicBaseUrl(config, req))),
  );

  app.get(
    path,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.get",
        summary: "Get an ingest source",
        description: "Returns one ingest source by id (`src_…`) or uid.",
        params,
        response: { 200: IngestSourceOut },
      },
    },
    async (req) => ingest.get(principalOf(req), req.params.source_id, publicBaseUrl(config, req)),
  );

  app.put(
    path,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.upsert",
        summary: "Create or replace an ingest source",
        description: "Replaces the source's name, uid, metadata, type and config (masked secrets sent back keep their value); creates it with the path value as uid when it does not exist (201).",
        params,
        body: IngestSourceIn,
        response: { 200: IngestSourceOut, 201: IngestSourceOut },
      },
    },
    async (req, reply) => {
      const { source, created } = await ingest.upsert(actorOf(req), req.params.source_id, req.body, publicBaseUrl(config, req));
      return reply.code(created ? 201 : 200).send(source);
    },
  );

  app.patch(
    path,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.patch",
        summary: "Update an ingest source",
        description: "Changes only the fields sent: `name`, `uid` (null clears it), `metadata`.",
        params,
        body: IngestSourcePatch,
        response: { 200: IngestSourceOut },
      },
    },
    async (req) => ingest.patch(actorOf(req), req.params.source_id, req.body, publicBaseUrl(config, req)),
  );

  app.delete(
    path,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.delete",
        summary: "Delete an ingest source",
        description: "Deletes the source, its endpoints and their messages; its ingest URL then answers 404.",
        params,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await ingest.delete(actorOf(req), req.params.source_id);
      return reply.code(204).send();
    },
  );

  app.post(
    `${path}/token/rotate`,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.source.rotate-token",
        summary: "Rotate an ingest source's URL token",
        description: "Gives the source a new `ingestUrl`. The previous URL stops working at once (404): update the provider first, or expect its calls to fail until you do.",
        params,
        response: { 200: RotateTokenOut },
      },
    },
    async (req) => ingest.rotateToken(actorOf(req), req.params.source_id, publicBaseUrl(config, req)),
  );

  app.post(
    `${path}/dashboard`,
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.ingest.authentication.consumer-portal-access",
        summary: "Open an ingest source's dashboard",
        description: "Returns a consumer-portal URL and token limited to the source's endpoints (what its calls are delivered to). `expiry`: 1 hour to 7 days, default 7 days; `readOnly` opens a read-only session.",
        params,
        body: IngestSourceConsumerPortalAccessIn.nullish(),
        response: { 200: AppPortalAccessOut },
      },
    },
    async (req) => {
      const { token } = await ingest.dashboard(actorOf(req), req.params.source_id, req.body);
      return { url: `${publicBaseUrl(config, req)}/portal#token=${token}`, token };
    },
  );
};
