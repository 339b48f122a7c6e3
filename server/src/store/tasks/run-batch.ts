import type { Kysely } from "kysely";

import { parseJson } from "../../lib/json.js";
import type { Store } from "../database.js";
import type { Database, TaskRow } from "../schema.js";
import type { TaskLease } from "./claim-task.js";
import { TASK_KINDS, type TaskParams, type TaskType } from "./task-kinds.js";

/**
 * What one batch did. `lost`: the lease had passed to another runner (or the task ended), and
 * nothing was written.
 *
 * @example if (outcome.state === "running") await pause();
 */
export type BatchOutcome =
  | { state: "lost" }
  | { state: "running" | "finished" | "failed"; task: TaskRow; affected: number; scanned: number; queuedDeliveries: boolean };

/**
 * Runs one batch of a leased task in one transaction: reads the task (locking its row on
 * PostgreSQL, fenced on the lease owner), takes the next `limit` candidates after the stored
 * cursor, applies the effect, and writes the new cursor, counts and lease expiry. The effect
 * and the checkpoint commit together or not at all, so after a crash the next runner starts
 * exactly after the last committed batch: nothing done is done twice, nothing is skipped.
 * The cursor is read from the row, never from memory, for the same reason.
 *
 * @example const outcome = await runTaskBatch(store, task.id, { owner, now: Date.now(), leaseMs: 60_000 }, 500);
 */
export async function runTaskBatch(
  store: Pick<Store, "db" | "dialect">,
  id: string,
  lease: TaskLease,
  limit: number,
): Promise<BatchOutcome> {
  const { owner, now, leaseMs } = lease;
  return store.db.transaction().execute(async (trx) => {
    let read = trx.selectFrom("tasks").selectAll().where("id", "=", id).where("lease_owner", "=", owner).where("status", "=", "running");
    if (store.dialect === "postgres") read = read.forUpdate();
    const task = await read.executeTakeFirst();
    if (!task) return { state: "lost" } as const;
    const kind = TASK_KINDS[task.task as TaskType] as (typeof TASK_KINDS)[TaskType] | undefined;
    const endpoint = task.endpoint_id === null ? undefined : await findEndpoint(trx, task);
    if (!kind || (task.endpoint_id !== null && !endpoint)) {
      const error = kind ? "The endpoint was deleted" : `Unknown task type ${task.task}`;
      const failed = await checkpoint(trx, task, { status: "failed", error, lease_owner: null, lease_until: null, updated_at: now });
      return { state: "failed", task: failed, affected: 0, scanned: 0, queuedDeliveries: false } as const;
    }
    const params = parseJson<TaskParams>(task.params, {});
    const candidates = kind.candidates(trx, task, params, endpoint);
    // Counted once, before the first batch: the denominator of the progress shown.
    const total = task.total ?? (await candidates.count());
    const rows = await candidates.page(task.cursor, limit);
    const affected = rows.length > 0 ? await kind.apply(trx, task, rows, now) : 0;
    const done = rows.length < limit;
    const updated = await checkpoint(trx, task, {
      cursor: rows.length > 0 ? rows[rows.length - 1]!.cursor : task.cursor,
      scanned: Number(task.scanned) + rows.length,
      affected: Number(task.affected) + affected,
      total: Number(total),
      status: done ? "finished" : "running",
      lease_owner: done ? null : owner,
      lease_until: done ? null : now + leaseMs,
      updated_at: now,
    });
    return { state: done ? "finished" : "running", task: updated, affected, scanned: rows.length, queuedDeliveries: kind.queuesDeliveries && affected > 0 } as const;
  });
}

async function findEndpoint(trx: Kysely<Database>, task: TaskRow) {
  return trx
    .selectFrom("endpoints")
    .selectAll()
    .where("id", "=", task.endpoint_id!)
    .where("app_id", "=", task.app_id)
    .executeTakeFirst();
}

async function checkpoint(trx: Kysely<Database>, task: TaskRow, values: Partial<TaskRow>): Promise<TaskRow> {
  const row = await trx
    .updateTable("tasks")
    .set(values)
    .where("id", "=", task.id)
    .where("lease_owner", "=", task.lease_owner)
    .returningAll()
    .executeTakeFirstOrThrow();
  return row;
}
