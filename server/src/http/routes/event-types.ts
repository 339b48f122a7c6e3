import { listResponse, NoContent } from "../../contract/common.js";
import {
  EventTypeDeleteQuery,
  EventTypeIn,
  EventTypeListQuery,
  EventTypeOut,
  EventTypeParams,
  EventTypePatch,
  EventTypeUpdate,
} from "../../contract/event-types.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Event Type"];

/** `/api/v1/event-type…`: the global catalogue of event types, as in Svix. */
export const eventTypeRoutes: RouteModule = (app, { services }) => {
  const eventTypes = services.eventTypes;

  app.get(
    "/api/v1/event-type",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.event-type.list",
        querystring: EventTypeListQuery,
        response: { 200: listResponse(EventTypeOut) },
      },
    },
    async (req) => eventTypes.list(principalOf(req), req.query),
  );

  app.post(
    "/api/v1/event-type",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.event-type.create",
        body: EventTypeIn,
        response: { 201: EventTypeOut },
      },
    },
    async (req, reply) => reply.code(201).send(await eventTypes.create(actorOf(req), req.body)),
  );

  app.get(
    "/api/v1/event-type/:event_type_name",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.event-type.get",
        params: EventTypeParams,
        response: { 200: EventTypeOut },
      },
    },
    async (req) => eventTypes.get(principalOf(req), req.params.event_type_name),
  );

  app.put(
    "/api/v1/event-type/:event_type_name",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.event-type.update",
        params: EventTypeParams,
        body: EventTypeUpdate,
        response: { 200: EventTypeOut, 201: EventTypeOut },
      },
    },
    async (req, reply) => {
      const { eventType, created } = await eventTypes.upsert(
        actorOf(req),
        req.params.event_type_name,
        req.body,
      );
      return reply.code(created ? 201 : 200).send(eventType);
    },
  );

  app.patch(
    "/api/v1/event-type/:event_type_name",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.event-type.patch",
        params: EventTypeParams,
        body: EventTypePatch,
        response: { 200: EventTypeOut },
      },
    },
    async (req) => eventTypes.patch(actorOf(req), req.params.event_type_name, req.body),
  );

  app.delete(
    "/api/v1/event-type/:event_type_name",
    {
      config: { scope: "app:write" },
      schema: {
        tags,
        operationId: "v1.event-type.delete",
        params: EventTypeParams,
        querystring: EventTypeDeleteQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await eventTypes.delete(actorOf(req), req.params.event_type_name, req.query.expunge);
      return reply.code(204).send();
    },
  );
};
