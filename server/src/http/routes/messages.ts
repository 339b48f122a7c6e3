
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
        summary: "Send a message",
        description: "Creates a message and queues one delivery per subscribed endpoint (answers 202). An `Idempotency-Key` header makes a retried request return the first response instead of sending twice; a repeated `eventId` in the same application is refused with 409 `conflict`. With `application` in the body, a missing application is created on the fly. 422 for a malformed body, 413 for one over the size limit.",
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
      schema: {
        tags,
        operationId: "v1.message.list",
        summary: "List messages",
        description: "Lists the application's messages, filtered by channel, tag, event types and time range. `with_content=false` leaves payloads out.",
        params: AppParams,
        querystring: MessageListQuery,
        response: { 200: listResponse(MessageOut) },
      },
    },
    async (req) => messages.list(principalOf(req), req.params.app_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/msg/:msg_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message.get",
        summary: "Get a message",
        description: "Returns one message by id (`msg_…`) or `eventId`.",
        params: MessageParams,
        querystring: WithContentQuery,
        response: { 200: MessageOut },
      },
    },
    async (req) => messages.get(principalOf(req), req.params.app_id, req.params.msg_id, req.query.with_content),
  );

  app.delete(
    "/api/v1/app/:app_id/msg/:msg_id/content",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.message.expunge-content",
        summary: "Delete a message's payload",
        description: "Removes the payload (for privacy requests); the message and its delivery history stay.",
        params: MessageParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await messages.expungeContent(actorOf(req), req.params.app_id, req.params.msg_id);
      return reply.code(204).send();
    },
  );
};
