import type { Kysely } from "kysely";

import { newId } from "../lib/ids.js";
import type { Store } from "./database.js";
import { type Page, type PageRequest, paginate } from "./paginate.js";
import { type Database, DeliveryStatus, type TaskRow } from "./schema.js";
import { claimTask, failTask, releaseTask, type TaskLease } from "./tasks/claim-task.js";
import { type BatchOutcome, runTaskBatch } from "./tasks/run-batch.js";
import type { TaskParams } from "./tasks/task-kinds.js";

export type { TaskLease } from "./tasks/claim-task.js";
export type { BatchOutcome } from "./tasks/run-batch.js";
export { TASK_TYPES, type TaskParams, type TaskType } from "./tasks/task-kinds.js";

/** Filters of the task listing. @example const f: TaskFilter = { status: "running" }; */
/**
 * A task as it is first written: running, not yet leased, nothing scanned, its request in `params`.
 *
 * @example await repo.insert(newTaskRow("app_…", "ep_…", "endpoint.recover", { since }, Date.now()), trx)
 */
export function newTaskRow(appId: string, endpointId: string | null, task: string, params: TaskParams, now: number): TaskRow {
  return {
    id: newId("qtask"),
    app_id: appId,
    endpoint_id: endpointId,
    task,
    status: "running",
    params: JSON.stringify(params),
    cursor: null,
    scanned: 0,
    affected: 0,
    total: null,
    error: null,
    lease_owner: null,
    lease_until: null,
    created_at: now,
    updated_at: now,
  };
}

export interface TaskFilter {
  /** Only this application's tasks (tokens limited to one application). */
  appId?: string | undefined;
  status?: string | undefined;
  task?: string | undefined;
}

/**
 * The `tasks` table: what the API writes (a new task, committed with its audit row) and reads
 * (get, list), and the runner's operations (claim, one batch, release, fail), which the
 * worker reaches through its `BackgroundTaskQueue` port.
 *
 * @example const page = await new TasksRepository(store).list({ status: "running" }, { limit: 50 });
 */
export class TasksRepository {
  constructor(private readonly store: Pick<Store, "db" | "dialect">) {}

  async insert(row: TaskRow, db: Kysely<Database> = this.store.db): Promise<void> {
    await db.insertInto("tasks").values(row).execute();
  }

  async find(id: string): Promise<TaskRow | undefined> {
    return this.store.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Newest first unless asked otherwise, on the time-sortable ids. */
  async list(filter: TaskFilter, page: PageRequest): Promise<Page<TaskRow>> {
    let q = this.store.db.selectFrom("tasks").selectAll();
    if (filter.appId !== undefined) q = q.where("app_id", "=", filter.appId);
    if (filter.status !== undefined) q = q.where("status", "=", filter.status);
    if (filter.task !== undefined) q = q.where("task", "=", filter.task);
    return paginate(q, "id", page, "descending");
  }

  /** Tasks still running, for the metrics gauge. */
  async countRunning(): Promise<number> {
    const row = await this.store.db
      .selectFrom("tasks")
      .select((eb) => eb.fn.countAll<string | number | bigint>().as("n"))
      .where("status", "=", "running")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The delivery worker's backlog: due deliveries no worker has claimed yet, counted up to
   * `limit` (so the count costs at most `limit` index entries), and how long the oldest of them
   * has waited (0 when none). Read on the partial `deliveries_due` index from its low end.
   */
  async queueBacklog(now: number, limit: number): Promise<{ due: number; lagMs: number }> {
    const rows = await this.store.db
      .selectFrom("deliveries")
      .select("due_at")
      .where("due_at", "<=", now)
      .where("status", "=", DeliveryStatus.pending)
      .orderBy("due_at")
      .limit(limit)
      .execute();
    const oldest = rows[0]?.due_at;
    return { due: rows.length, lagMs: oldest == null ? 0 : Math.max(0, now - Number(oldest)) };
  }

  claim(lease: TaskLease): Promise<TaskRow | undefined> {
    return claimTask(this.store, lease);
  }

  runBatch(id: string, lease: TaskLease, limit: number): Promise<BatchOutcome> {
    return runTaskBatch(this.store, id, lease, limit);
  }

  release(id: string, owner: string, dueAt: number, error?: string): Promise<void> {
    return releaseTask(this.store, id, owner, dueAt, error);
  }

  fail(id: string, owner: string, now: number, error: string): Promise<void> {
    return failTask(this.store, id, owner, now, error);
  }
}
