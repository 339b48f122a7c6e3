import {
  AttemptByMsgListQuery,
  AttemptedMessageListQuery,
  AttemptListQuery,
  AttemptParams,
  DestinationListQuery,
  EmptyResponse,
  EndpointMessageOut,
  EndpointStats,
  EndpointStatsQuery,
  EventExampleIn,
  MessageAttemptOut,
  MessageEndpointOut,
  MessageEndpointParams,
  RecoverIn,
  RecoverOut,
} from "../../contract/attempts.js";
import { listResponse, NoContent } from "../../contract/common.js";
import { EndpointParams } from "../../contract/endpoints.js";
import { MessageOut, MessageParams } from "../../contract/messages.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Message Attempt"];
const endpointTags = ["Endpoint"];

/**
 * Message attempts (`/attempt/…`, `/msg/{id}/attempt/…`, `/msg/{id}/endpoint…`) and the
 * endpoint operations that act on the delivery queue: recover, stats, send-example.
 * POSTs rely on the shared idempotency hooks, which store the answer when it is sent.
 */
export const attemptRoutes: RouteModule = (app, { services }) => {
  const attempts = services.attempts;

  app.get(
    "/api/v1/app/:app_id/attempt/endpoint/:endpoint_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message-attempt.list-by-endpoint",
        params: EndpointParams,
        querystring: AttemptListQuery,
        response: { 200: listResponse(MessageAttemptOut) },
      },
    },
    async (req) =>
      attempts.listByEndpoint(principalOf(req), req.params.app_id, req.params.endpoint_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/attempt/msg/:msg_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message-attempt.list-by-msg",
        params: MessageParams,
        querystring: AttemptByMsgListQuery,
        response: { 200: listResponse(MessageAttemptOut) },
      },
    },
    async (req) => attempts.listByMsg(principalOf(req), req.params.app_id, req.params.msg_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message-attempt.get",
        params: AttemptParams,
        response: { 200: MessageAttemptOut },
      },
    },
    async (req) =>
      attempts.get(principalOf(req), req.params.app_id, req.params.msg_id, req.params.attempt_id),
  );

  app.delete(
    "/api/v1/app/:app_id/msg/:msg_id/attempt/:attempt_id/content",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.message-attempt.expunge-content",
        params: AttemptParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await attempts.expungeContent(
        actorOf(req),
        req.params.app_id,
        req.params.msg_id,
        req.params.attempt_id,
      );
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/v1/app/:app_id/msg/:msg_id/endpoint",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message-attempt.list-attempted-destinations",
        params: MessageParams,
        querystring: DestinationListQuery,
        response: { 200: listResponse(MessageEndpointOut) },
      },
    },
    async (req) =>
      attempts.listDestinations(principalOf(req), req.params.app_id, req.params.msg_id, req.query),
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/msg",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message-attempt.list-attempted-messages",
        params: EndpointParams,
        querystring: AttemptedMessageListQuery,
        response: { 200: listResponse(EndpointMessageOut) },
      },
    },
    async (req) =>
      attempts.listAttemptedMessages(principalOf(req), req.params.app_id, req.params.endpoint_id, req.query),
  );

  app.post(
    "/api/v1/app/:app_id/msg/:msg_id/endpoint/:endpoint_id/resend",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.message-attempt.resend",
        params: MessageEndpointParams,
        response: { 202: EmptyResponse },
      },
    },
    async (req, reply) => {
      await attempts.resend(actorOf(req), req.params.app_id, req.params.msg_id, req.params.endpoint_id);
      return reply.code(202).send({});
    },
  );

  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/recover",
    {
      config: { scope: "app:write" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.recover",
        params: EndpointParams,
        body: RecoverIn,
        response: { 202: RecoverOut },
      },
    },
    async (req, reply) => {
      const out = await attempts.recover(
        actorOf(req),
        req.params.app_id,
        req.params.endpoint_id,
        req.body,
      );
      return reply.code(202).send(out);
    },
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/stats",
    {
      config: { scope: "app:read" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.get-stats",
        params: EndpointParams,
        querystring: EndpointStatsQuery,
        response: { 200: EndpointStats },
      },
    },
    async (req) => attempts.stats(principalOf(req), req.params.app_id, req.params.endpoint_id, req.query),
  );

  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/send-example",
    {
      config: { scope: "app:write" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.send-example",
        params: EndpointParams,
        body: EventExampleIn,
        response: { 200: MessageOut },
      },
    },
    async (req) =>
      attempts.sendExample(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body),
  );
};
