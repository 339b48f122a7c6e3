import { RecoverIn } from "../../contract/attempts.js";
import {
  BackgroundTaskListQuery,
  BackgroundTaskOut,
  BackgroundTaskParams,
  BulkReplayIn,
  ReplayIn,
  TaskStartOut,
} from "../../contract/background-tasks.js";
import { AppParams, listResponse } from "../../contract/common.js";
import { EndpointParams } from "../../contract/endpoints.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Background Task"];
const endpointTags = ["Endpoint"];
const started = "Answers 202 at once with the task; the worker does the work in batches, resumable after a crash. Follow it with `GET /api/v1/background-task/{task_id}`.";

/**
 * Background tasks: the four that start one (recover, bulk-replay, replay-missing,
 * expunge-all-contents) and the two that read them. POSTs rely on the shared idempotency
 * hooks, so a retried request with the same key gets the same task back.
 */
export const backgroundTaskRoutes: RouteModule = (app, { services }) => {
  const tasks = services.backgroundTasks;

  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/recover",
    {
      config: { scope: "app:write" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.recover",
        summary: "Recover failed messages",
        description: `Sends again every message that failed to reach this endpoint in \`[since, until)\`. ${started}`,
        params: EndpointParams,
        body: RecoverIn,
        response: { 202: TaskStartOut },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await tasks.recover(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body)),
  );

  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/bulk-replay",
    {
      config: { scope: "app:write" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.bulk-replay",
        summary: "Replay messages sent to an endpoint",
        description: `Sends again the endpoint's messages of \`[since, until)\`, successful or not, narrowed by \`status\`, \`statusCodeClass\`, \`eventTypes\`, \`channel\` and \`tag\`. ${started}`,
        params: EndpointParams,
        body: BulkReplayIn,
        response: { 202: TaskStartOut },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await tasks.bulkReplay(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body)),
  );

  app.post(
    "/api/v1/app/:app_id/endpoint/:endpoint_id/replay-missing",
    {
      config: { scope: "app:write" },
      schema: {
        tags: endpointTags,
        operationId: "v1.endpoint.replay-missing",
        summary: "Send messages the endpoint never received",
        description: `Sends the application's messages of \`[since, until)\` that this endpoint never had (created before it, or filtered out then) and that its filters accept now. ${started}`,
        params: EndpointParams,
        body: ReplayIn,
        response: { 202: TaskStartOut },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await tasks.replayMissing(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body)),
  );

  app.post(
    "/api/v1/app/:app_id/msg/expunge-all-contents",
    {
      config: { scope: "app:write" },
      schema: {
        tags: ["Message"],
        operationId: "v1.message.expunge-all-contents",
        summary: "Delete every message payload of an application",
        description: `Deletes the payload of every message of the application sent before the request; the messages and their attempts stay. ${started}`,
        params: AppParams,
        response: { 202: TaskStartOut },
      },
    },
    async (req, reply) => reply.code(202).send(await tasks.expungeAllContents(actorOf(req), req.params.app_id)),
  );

  app.get(
    "/api/v1/background-task",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.background-task.list",
        summary: "List background tasks",
        description: "Lists background tasks, newest first, filtered by `status` and `task`. A key limited to one application sees that application's tasks.",
        querystring: BackgroundTaskListQuery,
        response: { 200: listResponse(BackgroundTaskOut) },
      },
    },
    async (req) => tasks.list(principalOf(req), req.query),
  );

  app.get(
    "/api/v1/background-task/:task_id",
    {
      config: { scope: "app:read" },
      schema: {
        tags,
        operationId: "v1.background-task.get",
        summary: "Get a background task",
        description: "Returns a task's status (`running`, `finished`, `failed`) and, in `data`, its progress: `processed` of `total` candidates, `progress` from 0 to 1, and `messagesSent` (or `messagesPurged`).",
        params: BackgroundTaskParams,
        response: { 200: BackgroundTaskOut },
      },
    },
    async (req) => tasks.get(principalOf(req), req.params.task_id),
  );
};
