
import { AppParams, listResponse, NoContent } from "../../contract/common.js";
import { MessageIn, MessageListQuery, MessageOut, MessageParams, WithContentQuery } from "../../contract/messages.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { idempotencyKeyOf } from "../idempotency.js";

const tags = ["Message"];

export const messageRoutes: RouteModule = (app, { services, metrics }) => {
  const messages = services.messages;

  app.post(
    "/api/v1/app/:app_id/msg",
    {
      config: { scope: "message:create" },
      schema: {
        tags,
        operationId: "v1.message.create",
        params: AppParams,
        querystring: WithContentQuery,
        body: MessageIn,
        response: { 202: MessageOut },
      },
    },
    async (req, reply) => {
      const out = await messages.create(actorOf(req), req.params.app_id, req.body, {
        withContent: req.query.with_content,
        idempotency: idempotencyKeyOf(req, 202),
      });
      metrics?.messagesCreated.inc();
      return reply.code(202).send(out);
    },
  );

  app.get(
    "/api/v1/app/:app_id/msg",
    {
      config: { scope: "app:read" },
      schema: { tags, operationId: "v1.message.list", params: AppParams, querystring: MessageListQuery, response: { 200: listResponse(MessageOut) } },
    },
    async (req) => messages.list(principalOf(req), req.params.app_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/msg/:msg_id",
    {
      config: { scope: "app:read" },
      schema: { tags, operationId: "v1.message.get", params: MessageParams, querystring: WithContentQuery, response: { 200: MessageOut } },
    },
    async (req) => messages.get(principalOf(req), req.params.app_id, req.params.msg_id, req.query.with_content),
  );

  app.delete(
    "/api/v1/app/:app_id/msg/:msg_id/content",
    { config: { scope: "app:write" }, schema: { tags, operationId: "v1.message.expunge-content", params: MessageParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await messages.expungeContent(actorOf(req), req.params.app_id, req.params.msg_id);
      return reply.code(204).send();
    },
  );
};
