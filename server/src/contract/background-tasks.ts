import { z } from "zod";

import { Channel, ListQuery, Name, Timestamp } from "./common.js";
import { DELIVERY_STATUS_CODES } from "./delivery-status.js";

export const BackgroundTaskStatus = z.enum(["running", "finished", "failed"]);
export type BackgroundTaskStatus = z.output<typeof BackgroundTaskStatus>;

/**
 * Svix's BackgroundTaskType. Hookrelay runs `endpoint.recover`, `endpoint.bulk-replay`,
 * `endpoint.replay` (replay-missing) and `application.purge_content` (expunge-all-contents);
 * the others are accepted as list filters and simply find nothing.
 */
export const BackgroundTaskType = z.enum([
  "endpoint.replay",
  "endpoint.recover",
  "application.stats",
  "message.broadcast",
  "sdk.generate",
  "event-type.aggregate",
  "application.purge_content",
  "endpoint.bulk-replay",
]);
export type BackgroundTaskType = z.output<typeof BackgroundTaskType>;

/**
 * A task as `GET /api/v1/background-task/{id}` returns it. `data` carries Svix's counter
 * (`messagesSent`, or `messagesPurged` for a purge) and Hookrelay's progress: `total`
 * candidates counted when the first batch ran, `processed` of them so far, `progress` in 0…1.
 *
 * @example { id: "qtask_…", status: "running", task: "endpoint.recover", updatedAt: "…", data: { messagesSent: 1200, processed: 1200, total: 5000, progress: 0.24 } }
 */
export const BackgroundTaskOut = z.object({
  id: z.string(),
  status: BackgroundTaskStatus,
  task: BackgroundTaskType,
  updatedAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type BackgroundTaskOut = z.output<typeof BackgroundTaskOut>;

/** What starting a task answers (202): Svix's RecoverOut, ReplayOut and ExpungeAllContentsOut. */
export const TaskStartOut = z.object({
  id: z.string(),
  status: BackgroundTaskStatus,
  task: BackgroundTaskType,
  updatedAt: z.string(),
});
export type TaskStartOut = z.output<typeof TaskStartOut>;

/** Query of `GET /api/v1/background-task`. */
export const BackgroundTaskListQuery = ListQuery.extend({
  status: BackgroundTaskStatus.optional(),
  task: BackgroundTaskType.optional(),
});
export type BackgroundTaskListQuery = z.output<typeof BackgroundTaskListQuery>;

export const BackgroundTaskParams = z.object({
  task_id: z.string().min(1).max(256).meta({ description: "The task's id (`qtask_…`).", example: "qtask_1srOrx2ZWZBpBUvZwXKQmoEYga2" }),
});

/**
 * Body of `POST …/endpoint/{endpoint_id}/replay-missing`: messages created in `[since, until)`
 * that the endpoint never had a delivery of (and that its filters accept) are sent to it.
 *
 * @example ReplayIn.parse({ since: "2024-05-01T00:00:00Z" })
 */
export const ReplayIn = z.object({
  since: Timestamp,
  until: Timestamp.nullish(),
});
export type ReplayIn = z.output<typeof ReplayIn>;

/**
 * Body of `POST …/endpoint/{endpoint_id}/bulk-replay`: the endpoint's deliveries of messages
 * created in `[since, until)` are sent again, whatever their outcome unless `status` or
 * `statusCodeClass` (of the last response; 0 = none) narrow them, and only messages of
 * `eventTypes`, `channel` and `tag` when given.
 *
 * @example BulkReplayIn.parse({ since: "2024-05-01T00:00:00Z", status: 2, eventTypes: ["invoice.paid"] })
 */
export const BulkReplayIn = z.object({
  since: Timestamp,
  until: Timestamp.nullish(),
  eventTypes: z.array(Name.meta({ example: "invoice.paid" })).max(100).nullish(),
  channel: Channel.nullish(),
  tag: Name.max(128).meta({ example: "billing" }).nullish(),
  status: z.literal(DELIVERY_STATUS_CODES).nullish(),
  statusCodeClass: z.literal([0, 100, 200, 300, 400, 500]).nullish(),
});
export type BulkReplayIn = z.output<typeof BulkReplayIn>;
