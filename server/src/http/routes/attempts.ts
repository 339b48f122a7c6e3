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
 * endpoint operations stats and send-example (recover and the replays: `background-tasks.ts`).
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
        summary: "List attempts to an endpoint",
        description: "Lists delivery attempts made to one endpoint, filtered by status, status class, event types, channel, tag and time range.",
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
        summary: "List attempts of a message",
        description: "Lists the delivery attempts made for one message, with the same filters as the endpoint listing.",
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
        summary: "Get an attempt",
        description: "Returns one attempt with the receiver's status code and response body, or the reason the delivery failed.",
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
        summary: "Delete an attempt's response body",
        description: "Removes the stored response body of one attempt.",
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
        summary: "List a message's destinations",
        description: "Lists the endpoints a message was sent to, with the delivery state for each.",
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
        summary: "List messages sent to an endpoint",
        description: "Lists the messages delivered (or being delivered) to one endpoint, with their delivery state there.",
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
        summary: "Resend a message to an endpoint",
        description: "Queues a new attempt of the message to this endpoint, whatever its earlier result. Answers 202.",
        params: MessageEndpointParams,
        response: { 202: EmptyResponse },
      },
    },
    async (req, reply) => {
      await attempts.resend(actorOf(req), req.params.app_id, req.params.msg_id, req.params.endpoint_id);
      return reply.code(202).send({});
    },
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/stats",
    {
      config: { scope: "app:read" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.get-stats",
        summary: "Get the endpoint's delivery counts",
        description: "Counts the endpoint's messages by delivery state (success, pending, sending, fail, canceled) over an optional time range. These count messages, not attempts.",
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
        summary: "Send an example message",
        description: "Sends an example message of `eventType` to this endpoint only, as a real signed delivery. Answers 202 with the message.",
        params: EndpointParams,
        body: EventExampleIn,
        response: { 200: MessageOut },
      },
    },
    async (req) =>
      attempts.sendExample(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body),
  );
};
