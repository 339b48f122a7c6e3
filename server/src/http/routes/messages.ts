import type { FastifyRequest } from "fastify";

import { AppParams, listResponse, NoContent } from "../../contract/common.js";
import { messageOutJson } from "../../contract/message-out-json.js";
import { MessageIn, MessageListQuery, MessageOut, MessageParams, WithContentQuery } from "../../contract/messages.js";
import { ApiError } from "../../lib/errors.js";
import { memberValueTextOfValid } from "../../lib/json-member.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { idempotencyKeyOf } from "../idempotency.js";

const tags = ["Message"];

declare module "fastify" {
  interface FastifyRequest {
    /** The JSON body as text; only the message routes' parser keeps it (for the payload). */
    jsonText?: string | null;
  }
}

/**
 * The payload exactly as the producer wrote it: its text in the body, which the message stores,
 * signs and delivers (ADR 13). The envelope itself is parsed and validated as usual.
 */
function payloadTextOf(req: FastifyRequest): string {
  try {
    // The body parser below ran JSON.parse on this very text before keeping it.
    const text = req.jsonText == null ? undefined : memberValueTextOfValid(req.jsonText, "payload");
    // Validation has already required an object payload, so the member is there.
    if (text !== undefined) return text;
  } catch {
    // A key that would not unescape: impossible in text JSON.parse accepted; refused, never guessed.
  }
  throw ApiError.badRequest("The body is not JSON this server can carry exactly", "invalid_json");
}

export const messageRoutes: RouteModule = (app, { services, metrics }) => {
  const messages = services.messages;

  // This plugin's JSON parser is Fastify's own (same limits, same __proto__ refusal) and also
  // keeps the text, so a payload is carried as written rather than re-serialized from a parse.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.decorateRequest("jsonText", null);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    req.jsonText = text;
    parseJson(req, text, done);
  });

  app.post(
    "/api/v1/app/:app_id/msg",
    {
      config: { scope: "message:create" },
      // The schema documents the answer; this writes it (ADR 23), as the generic one would.
      serializerCompiler: () => (data) => messageOutJson(data as MessageOut),
      schema: {
        tags,
        operationId: "v1.message.create",
        summary: "Send a message",
        description: "Creates a message and queues one delivery per subscribed endpoint (answers 202). The payload is stored, signed and delivered exactly as written in the body (big integers, decimals, key order, whitespace and escapes unchanged). An `Idempotency-Key` header makes a retried request return the first response instead of sending twice; a repeated `eventId` in the same application is refused with 409 `conflict`. With `application` in the body, a missing application is created on the fly. 400 `invalid_json` for a body that is not JSON, 422 for a malformed one, 413 for one over the size limit.",
        params: AppParams,
        querystring: WithContentQuery,
        body: MessageIn,
        response: { 202: MessageOut },
      },
    },
    async (req, reply) => {
      const out = await messages.create(actorOf(req), req.params.app_id, req.body, {
        payloadText: payloadTextOf(req),
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
