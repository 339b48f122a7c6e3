import { EndpointParams } from "../../contract/endpoints.js";
import { FifoSkipIn, FifoSkipOut, FifoStatusOut } from "../../contract/fifo.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

/** A FIFO endpoint's queue (ADR 18): its head, and the operator's skip. */
export const endpointFifoRoutes: RouteModule = (app, { services }) => {
  const path = "/api/v1/app/:app_id/endpoint/:endpoint_id/fifo";
  app.get(
    path,
    {
      config: { scope: "app:read" },
      schema: {
        tags: ["Endpoint"],
        operationId: "hookrelay.endpoint.fifo-status",
        summary: "Get a FIFO endpoint's head",
        description:
          "Hookrelay: the delivery at the head of the endpoint's queue (the unfinished one with the smallest message id), " +
          "which holds every later one until it succeeds, exhausts its retries or is skipped, and how many wait.",
        params: EndpointParams,
        response: { 200: FifoStatusOut },
      },
    },
    async (req) => services.fifo.status(principalOf(req), req.params.app_id, req.params.endpoint_id),
  );

  app.post(
    `${path}/skip`,
    {
      config: { scope: "admin" },
      schema: {
        tags: ["Endpoint"],
        operationId: "hookrelay.endpoint.fifo-skip",
        summary: "Skip a FIFO endpoint's head",
        description:
          "Hookrelay: marks the head delivery failed without a further attempt, so the next message goes. Give `msgId` " +
          "to skip only that message (409 `fifo_head_moved` when the head is another). 409 `not_fifo`, `fifo_empty`, " +
          "or `fifo_head_in_flight` while an attempt of the head is out. Admin only; audited as `endpoint.fifo.skip`.",
        params: EndpointParams,
        body: FifoSkipIn.nullish(),
        response: { 200: FifoSkipOut },
      },
    },
    async (req) => services.fifo.skip(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body ?? {}),
  );
};
