
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
    { config: { scope: "app:read" }, schema: { tags, operationId: "v1.application.list", querystring: ListQuery, response: { 200: listResponse(ApplicationOut) } } },
    async (req) => apps.list(principalOf(req), req.query),
  );

  app.post(
    "/api/v1/app",
    {
      config: { scope: "admin" },
      schema: {
        tags,
        operationId: "v1.application.create",
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
    { config: { scope: "app:read" }, schema: { tags, operationId: "v1.application.get", params: AppParams, response: { 200: ApplicationOut } } },
    async (req) => apps.get(principalOf(req), req.params.app_id),
  );

  app.put(
    "/api/v1/app/:app_id",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.application.update",
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
      schema: { tags, operationId: "v1.application.patch", params: AppParams, body: ApplicationPatch, response: { 200: ApplicationOut } },
    },
    async (req) => apps.patch(actorOf(req), req.params.app_id, req.body),
  );

  app.delete(
    "/api/v1/app/:app_id",
    { config: { scope: "admin" }, schema: { tags, operationId: "v1.application.delete", params: AppParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await apps.delete(actorOf(req), req.params.app_id);
      return reply.code(204).send();
    },
  );
};
