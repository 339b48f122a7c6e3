import { z } from "zod";

import { BackgroundTaskStatus, BackgroundTaskType } from "./background-tasks.js";
import { Timestamp, Uid } from "./common.js";

/**
 * Body of `POST /api/v1/stats/usage/app` (Svix's AppUsageStatsIn): usage of messages created
 * in `[since, until)`, for every application or those of `appIds` (ids or uids).
 *
 * @example AppUsageStatsIn.parse({ since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z", appIds: ["acme"] })
 */
export const AppUsageStatsIn = z
  .object({
    since: Timestamp,
    until: Timestamp,
    appIds: z.array(Uid).max(1000).nullish(),
  })
  .refine((v) => Date.parse(v.since) < Date.parse(v.until), { message: "since must be before until", path: ["until"] });
export type AppUsageStatsIn = z.output<typeof AppUsageStatsIn>;

const taskFields = {
  id: z.string(),
  status: BackgroundTaskStatus,
  task: BackgroundTaskType,
  updatedAt: z.string(),
};

/**
 * Answer of `POST /api/v1/stats/usage/app` (202): the `application.stats` task whose `data`
 * will hold `appStats` once it finished, and the given ids or uids that matched no application.
 */
export const AppUsageStatsOut = z.object({ ...taskFields, unresolvedAppIds: z.array(z.string()) });
export type AppUsageStatsOut = z.output<typeof AppUsageStatsOut>;

/** Answer of `PUT /api/v1/stats/usage/event-types` (202): the `event-type.aggregate` task. */
export const AggregateEventTypesOut = z.object(taskFields);
export type AggregateEventTypesOut = z.output<typeof AggregateEventTypesOut>;
