import type { RecoverIn } from "../contract/attempts.js";
import type {
  BackgroundTaskListQuery,
  BackgroundTaskOut,
  BackgroundTaskType,
  BulkReplayIn,
  ReplayIn,
  TaskStartOut,
} from "../contract/background-tasks.js";
import { Iso, type Page } from "../contract/common.js";
import type { AppUsageStatsIn, AppUsageStatsOut } from "../contract/usage-stats.js";
import { ApiError } from "../lib/errors.js";
import { parseJson } from "../lib/json.js";
import type { Wakeup } from "../lib/wakeup.js";
import { mapPage } from "../store/paginate.js";
import type { TaskRow } from "../store/schema.js";
import { newTaskRow, type TaskParams, type TasksRepository, type TaskType } from "../store/tasks-repository.js";
import { type ApplicationService, requireAllApplications } from "./applications.js";
import type { AuditLog } from "./audit-log.js";
import type { EndpointService } from "./endpoints.js";
import type { Actor, Principal } from "./principal.js";

/** Svix's counter name in `data`, per task type. */
const COUNTER: Partial<Record<TaskType, string>> = {
  "endpoint.recover": "messagesSent",
  "endpoint.bulk-replay": "messagesSent",
  "endpoint.replay": "messagesSent",
  "application.purge_content": "messagesPurged",
};

/** The audit action of starting each task type, named after the API operation. */
const ACTION: Record<TaskType, string> = {
  "endpoint.recover": "endpoint.recover",
  "endpoint.bulk-replay": "endpoint.bulk-replay",
  "endpoint.replay": "endpoint.replay-missing",
  "application.purge_content": "message.expunge-all-contents",
  "application.stats": "statistics.aggregate-app-stats",
  "event-type.aggregate": "statistics.aggregate-event-types",
};

/** `tasks.app_id` of a task over every application (statistics). */
const ALL_APPS = "";

/**
 * Background tasks: starting one (recover, bulk replay, replay missing, purge contents) and
 * reading them. Starting only writes the task row, with its audit row, and answers at once;
 * the worker's task runner (`worker/task-runner.ts`) does the work in leased, checkpointed
 * batches, so a task of any size costs the request nothing and survives a crash.
 *
 * @example const task = await backgroundTasks.recover(actor, "acme", "ep_…", { since: "2024-05-01T00:00:00Z" });
 */
export class BackgroundTaskService {
  constructor(
    private readonly repo: TasksRepository,
    private readonly applications: ApplicationService,
    private readonly endpoints: EndpointService,
    private readonly audit: AuditLog,
    /** Nudges this process's task runner, when it has one; other processes find the task at their next poll. */
    private readonly runnerWakeup: Wakeup | undefined,
  ) {}

  /** v1.endpoint.recover: failed deliveries of messages created in `[since, until)` are sent again. */
  async recover(actor: Actor, appIdOrUid: string, endpointIdOrUid: string, input: RecoverIn): Promise<TaskStartOut> {
    return this.startForEndpoint(actor, appIdOrUid, endpointIdOrUid, "endpoint.recover", range(input));
  }

  /** v1.endpoint.replay-missing: messages in the range the endpoint never had a delivery of. */
  async replayMissing(actor: Actor, appIdOrUid: string, endpointIdOrUid: string, input: ReplayIn): Promise<TaskStartOut> {
    return this.startForEndpoint(actor, appIdOrUid, endpointIdOrUid, "endpoint.replay", range(input));
  }

  /** v1.endpoint.bulk-replay: the endpoint's deliveries in the range, narrowed by the filters. */
  async bulkReplay(actor: Actor, appIdOrUid: string, endpointIdOrUid: string, input: BulkReplayIn): Promise<TaskStartOut> {
    return this.startForEndpoint(actor, appIdOrUid, endpointIdOrUid, "endpoint.bulk-replay", {
      ...range(input),
      status: input.status ?? undefined,
      statusCodeClass: input.statusCodeClass ?? undefined,
      eventTypes: input.eventTypes && input.eventTypes.length > 0 ? input.eventTypes : undefined,
      channel: input.channel ?? undefined,
      tag: input.tag ?? undefined,
    });
  }

  /** v1.message.expunge-all-contents: every payload of the application's messages sent so far. */
  async expungeAllContents(actor: Actor, appIdOrUid: string): Promise<TaskStartOut> {
    const app = await this.applications.resolve(actor, appIdOrUid);
    return this.start(actor, app.id, null, "application.purge_content", {});
  }

  /**
   * v1.statistics.aggregate-app-stats: an `application.stats` task counting each application's
   * messages, deliveries (`messageDestinations`) and attempts in `[since, until)`. Ids or uids
   * that match nothing are reported back; when none matches, it is a 422 as in Svix.
   */
  async aggregateAppStats(actor: Actor, input: AppUsageStatsIn): Promise<AppUsageStatsOut> {
    requireAllApplications(actor);
    const unresolved: string[] = [];
    let appIds: string[] | undefined;
    if (input.appIds != null) {
      const found = new Set<string>();
      for (const idOrUid of new Set(input.appIds)) {
        try {
          found.add((await this.applications.resolve(actor, idOrUid)).id);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) throw error;
          unresolved.push(idOrUid);
        }
      }
      if (found.size === 0) throw new ApiError(422, "validation", "None of the given appIds matches an application");
      appIds = [...found];
    }
    const started = await this.start(actor, ALL_APPS, null, "application.stats", { ...range(input), appIds });
    return { ...started, unresolvedAppIds: unresolved };
  }

  /** v1.statistics.aggregate-event-types: an `event-type.aggregate` task listing each application's subscriptions. */
  async aggregateEventTypes(actor: Actor): Promise<TaskStartOut> {
    requireAllApplications(actor);
    return this.start(actor, ALL_APPS, null, "event-type.aggregate", {});
  }

  /** v1.background-task.get; a token limited to one application sees only that application's tasks. */
  async get(principal: Principal, id: string): Promise<BackgroundTaskOut> {
    const row = await this.repo.find(id);
    if (!row || (principal.appId !== null && principal.appId !== row.app_id)) throw ApiError.notFound("Background task");
    return toTaskOut(row);
  }

  /** v1.background-task.list, newest first. */
  async list(principal: Principal, query: BackgroundTaskListQuery): Promise<Page<BackgroundTaskOut>> {
    const page = await this.repo.list(
      { appId: principal.appId ?? undefined, status: query.status, task: query.task },
      { limit: query.limit, iterator: query.iterator, order: query.order },
    );
    return mapPage(page, toTaskOut);
  }

  private async startForEndpoint(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    task: TaskType,
    params: TaskParams,
  ): Promise<TaskStartOut> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    return this.start(actor, app.id, endpoint.id, task, params);
  }

  private async start(actor: Actor, appId: string, endpointId: string | null, task: TaskType, params: TaskParams): Promise<TaskStartOut> {
    const now = Date.now();
    const row = newTaskRow(appId, endpointId, task, params, now);
    // The task commits with its audit row: an acknowledged task is recorded and will run.
    await this.audit.run(
      actor,
      (trx) => this.repo.insert(row, trx),
      () => ({
        action: ACTION[task],
        appId: appId === ALL_APPS ? null : appId,
        resourceId: endpointId ?? (appId === ALL_APPS ? row.id : appId),
        changes: { task: { before: null, after: { id: row.id, ...describeParams(params) } } },
      }),
    );
    this.runnerWakeup?.notify();
    return { id: row.id, status: "running", task, updatedAt: Iso(now) };
  }
}

/**
 * A task row as the API shows it.
 *
 * @example toTaskOut(row).data.progress // 0.24
 */
export function toTaskOut(row: TaskRow): BackgroundTaskOut {
  const task = row.task as TaskType;
  const total = row.total === null ? null : Number(row.total);
  const processed = Number(row.scanned);
  const progress = row.status === "finished" ? 1 : total === null || total === 0 ? 0 : Math.min(1, processed / total);
  const params = parseJson<TaskParams>(row.params, {});
  const counter = COUNTER[task];
  const data: Record<string, unknown> = {
    ...(counter !== undefined ? { [counter]: Number(row.affected) } : {}),
    ...(row.app_id !== ALL_APPS ? { appId: row.app_id } : {}),
    // What a computing task found so far (statistics): Svix's `appStats` / `event_types`.
    ...parseJson<Record<string, unknown>>(row.result ?? null, {}),
    ...(row.endpoint_id !== null ? { endpointId: row.endpoint_id } : {}),
    processed,
    total,
    progress,
    ...describeParams(params),
  };
  if (row.error !== null) data.error = row.error;
  return { id: row.id, status: row.status as TaskStartOut["status"], task: task as BackgroundTaskType, updatedAt: Iso(row.updated_at), data };
}

function range(input: { since: string; until?: string | null | undefined }): TaskParams {
  return { since: Date.parse(input.since), until: input.until ? Date.parse(input.until) : undefined };
}

/** The request as shown back (times as ISO strings), in `data` and in the audit row. */
function describeParams(p: TaskParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.since !== undefined) out.since = Iso(p.since);
  if (p.until !== undefined) out.until = Iso(p.until);
  for (const key of ["status", "statusCodeClass", "eventTypes", "channel", "tag", "appIds"] as const) {
    if (p[key] !== undefined) out[key] = p[key];
  }
  return out;
}
