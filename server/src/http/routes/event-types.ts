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
        summary: "List event types",
        description: "Lists the event type catalog by name. `include_archived=true` adds archived ones; `with_content=true` adds their JSON schemas.",
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
        summary: "Create an event type",
        description: "Adds an event type to the catalog. Names are dotted by convention (`invoice.paid`). 409 `conflict` when the name exists.",
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
        summary: "Get an event type",
        description: "Returns one event type with its schemas. 404 `not_found` when the name is unknown.",
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
        summary: "Create or replace an event type",
        description: "Replaces every field but the name; creates the event type when it does not exist (201).",
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
        summary: "Update an event type",
        description: "Changes only the fields sent; `null` clears a nullable field.",
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
        summary: "Archive or delete an event type",
        description: "Archives the event type (it stays usable by existing messages and endpoints); `expunge=true` deletes it for good.",
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
