import {
  PollerConsumerListOut,
  PollerConsumerParams,
  PollerConsumerPollQuery,
  PollerParams,
  PollerPollQuery,
  PollingEndpointConsumerSeekIn,
  PollingEndpointConsumerSeekOut,
  PollingEndpointOut,
} from "../../contract/poller.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Message"];
const path = "/api/v1/app/:app_id/poller/:sink_id";

/**
 * `/api/v1/app/{app_id}/poller/{sink_id}…`: Svix's poller API over a polling endpoint
 * (services/pollers.ts). Reading takes `app:read`, and so does moving one's own consumer
 * position (seek): the reader needs no right to change the application.
 */
export const pollerRoutes: RouteModule = (app, { services }) => {
  const pollers = services.pollers;

  app.get(
    path,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message.poller.poll",
        summary: "Poll a polling endpoint",
        description:
          "Reads the application's messages that the polling endpoint's event types and channels match, oldest first, from `iterator` (or from `after`, or from the endpoint's creation). Pass the returned `iterator` to read on; `done` means caught up. Messages younger than HOOKRELAY_POLLER_SAFETY_LAG_MS are not handed out yet.",
        params: PollerParams,
        querystring: PollerPollQuery,
        response: { 200: PollingEndpointOut },
      },
    },
    async (req) => pollers.poll(principalOf(req), req.params.app_id, req.params.sink_id, req.query),
  );

  app.get(
    `${path}/consumer`,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "hookrelay.poller.list-consumers",
        summary: "List a polling endpoint's consumers",
        description: "Hookrelay: the consumers that polled this endpoint and their stored positions.",
        params: PollerParams,
        response: { 200: PollerConsumerListOut },
      },
    },
    async (req) => pollers.consumers(principalOf(req), req.params.app_id, req.params.sink_id),
  );

  app.get(
    `${path}/consumer/:consumer_id`,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message.poller.consumer-poll",
        summary: "Poll as a consumer",
        description:
          "Like poll, with the position kept by the server per consumer. Without `iterator` it reads from the stored position, so an unacknowledged page is returned again; with the `iterator` of the previous page it stores it (acknowledging that page) and reads on.",
        params: PollerConsumerParams,
        querystring: PollerConsumerPollQuery,
        response: { 200: PollingEndpointOut },
      },
    },
    async (req) =>
      pollers.consumerPoll(
        principalOf(req),
        req.params.app_id,
        req.params.sink_id,
        req.params.consumer_id,
        req.query,
      ),
  );

  app.post(
    `${path}/consumer/:consumer_id/seek`,
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.message.poller.consumer-seek",
        summary: "Move a consumer's position",
        description:
          "Sets the consumer's stored position: it reads on with the messages created after `after`.",
        params: PollerConsumerParams,
        body: PollingEndpointConsumerSeekIn,
        response: { 200: PollingEndpointConsumerSeekOut },
      },
    },
    async (req) =>
      pollers.consumerSeek(
        principalOf(req),
        req.params.app_id,
        req.params.sink_id,
        req.params.consumer_id,
        req.body,
      ),
  );
};
