import { AppParams } from "../../contract/common.js";
import { EndpointParams } from "../../contract/endpoints.js";
import { EventTypeParams } from "../../contract/event-types.js";
import { RetryScheduleIn, RetryScheduleOut } from "../../contract/retry-schedules.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const PRECEDENCE =
  "A delivery follows the most specific schedule set: its endpoint's, else its event type's, else its application's, else the server's `HOOKRELAY_RETRY_SCHEDULE`.";
const BODY =
  "`retrySchedule`: the waits before attempts 2, 3, … in whole seconds (numbers or `{secs, nanos}`), at most 20, each 1 s to 7 days; `[]` means no retries, `null` removes the schedule.";

/**
 * `…/retry-schedule` on an event type (as in Svix), an application and an endpoint (Hookrelay's
 * additions, same body): read and replace the retry schedule of that level.
 */
export const retryScheduleRoutes: RouteModule = (app, { services }) => {
  const schedules = services.retrySchedules;

  app.get(
    "/api/v1/event-type/:event_type_name/retry-schedule",
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Event Type"],
        operationId: "v1.event-type.get-retry-schedule",
        summary: "Get an event type's retry schedule",
        description: `The retry schedule of messages of this event type; null when it sets none. ${PRECEDENCE}`,
        params: EventTypeParams,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) => schedules.getForEventType(principalOf(req), req.params.event_type_name),
  );

  app.put(
    "/api/v1/event-type/:event_type_name/retry-schedule",
    {
      config: { scope: "app:write" },
      schema: {
        tags: ["Event Type"],
        operationId: "v1.event-type.set-retry-schedule",
        summary: "Set an event type's retry schedule",
        description: `${BODY} ${PRECEDENCE} 404 when the event type is not registered.`,
        params: EventTypeParams,
        body: RetryScheduleIn,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) =>
      schedules.setForEventType(actorOf(req), req.params.event_type_name, req.body.retrySchedule ?? null),
  );

  app.get(
    "/api/v1/app/:app_id/retry-schedule",
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Application"],
        operationId: "v1.application.get-retry-schedule",
        summary: "Get an application's retry schedule",
        description: `The retry schedule of deliveries of this application; null when it sets none. ${PRECEDENCE}`,
        params: AppParams,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) => schedules.getForApplication(principalOf(req), req.params.app_id),
  );

  app.put(
    "/api/v1/app/:app_id/retry-schedule",
    {
      config: { scope: "app:write" },
      schema: {
        tags: ["Application"],
        operationId: "v1.application.set-retry-schedule",
        summary: "Set an application's retry schedule",
        description: `${BODY} ${PRECEDENCE}`,
        params: AppParams,
        body: RetryScheduleIn,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) =>
      schedules.setForApplication(actorOf(req), req.params.app_id, req.body.retrySchedule ?? null),
  );

  app.get(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/retry-schedule",
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Endpoint"],
        operationId: "v1.endpoint.get-retry-schedule",
        summary: "Get an endpoint's retry schedule",
        description: `The retry schedule of deliveries to this endpoint; null when it sets none. ${PRECEDENCE}`,
        params: EndpointParams,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) => schedules.getForEndpoint(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.put(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/retry-schedule",
    {
      config: { scope: "app:write" },
      schema: {
        tags: ["Endpoint"],
        operationId: "v1.endpoint.set-retry-schedule",
        summary: "Set an endpoint's retry schedule",
        description: `${BODY} ${PRECEDENCE}`,
        params: EndpointParams,
        body: RetryScheduleIn,
        response: { 200: RetryScheduleOut },
      },
    },
    async (req) =>
      schedules.setForEndpoint(
        actorOf(req),
        req.params.app_id,
        req.params.endpoint_id,
        req.body.retrySchedule ?? null,
      ),
  );
};
