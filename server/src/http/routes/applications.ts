
import { ApplicationIn, ApplicationOut, ApplicationPatch, GetIfExistsQuery } from "../../contract/applications.js";
import { AppParams, ListQuery, listResponse, NoContent } from "../../contract/common.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Application"];

export const applicationRoutes: RouteModule = (app, { services }) => {
  const apps = services.applications;

  app.get(
    "/api/v1/app",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.application.list",
        summary: "List applications",
        description: "Lists the applications this key can see (`order` sets the direction). A key bound to one application sees only that one.",
        querystring: ListQuery,
        response: { 200: listResponse(ApplicationOut) },
      },
    },
    async (req) => apps.list(principalOf(req), req.query),
  );

  app.post(
    "/api/v1/app",
    {
      config: { scope: "admin" },
      schema: {
        tags,
        operationId: "v1.application.create",
        summary: "Create an application",
        description: "Creates an application: the tenant that owns endpoints and messages. With `get_if_exists=true`, an existing application with the same `uid` is returned (200) instead of a 409 `conflict`. Answers 201 when created.",
        querystring: GetIfExistsQuery,
        body: ApplicationIn,
        response: { 200: ApplicationOut, 201: ApplicationOut },
      },
    },
    async (req, reply) => {
      const { app: out, created } = await apps.create(actorOf(req), req.body, req.query.get_if_exists);
      return reply.code(created ? 201 : 200).send(out);
    },
  );

  app.get(
    "/api/v1/app/:app_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.application.get",
        summary: "Get an application",
        description: "Returns one application by id (`app_…`) or uid. 404 `not_found` when it does not exist or lies outside the key's application.",
        params: AppParams,
        response: { 200: ApplicationOut },
      },
    },
    async (req) => apps.get(principalOf(req), req.params.app_id),
  );

  app.put(
    "/api/v1/app/:app_id",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.application.update",
        summary: "Create or replace an application",
        description: "Replaces the application's fields; creates it with this uid when it does not exist (201).",
        params: AppParams,
        body: ApplicationIn,
        response: { 200: ApplicationOut, 201: ApplicationOut },
      },
    },
    async (req, reply) => {
      const { app: out, created } = await apps.upsert(actorOf(req), req.params.app_id, req.body);
      return reply.code(created ? 201 : 200).send(out);
    },
  );

  app.patch(
    "/api/v1/app/:app_id",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.application.patch",
        summary: "Update an application",
        description: "Changes only the fields sent; `null` clears a nullable field.",
        params: AppParams,
        body: ApplicationPatch,
        response: { 200: ApplicationOut },
      },
    },
    async (req) => apps.patch(actorOf(req), req.params.app_id, req.body),
  );

  app.delete(
    "/api/v1/app/:app_id",
    {
      config: { scope: "admin" },
      schema: {
        tags,
        operationId: "v1.application.delete",
        summary: "Delete an application",
        description: "Deletes the application and what it owns (endpoints, messages, sources). This cannot be undone.",
        params: AppParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await apps.delete(actorOf(req), req.params.app_id);
      return reply.code(204).send();
    },
  );
};
