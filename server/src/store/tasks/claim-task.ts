import type { Store } from "../database.js";
import type { TaskRow } from "../schema.js";

/**
 * What a task runner asks of {@link claimTask} and {@link runTaskBatch}.
 *
 * @example const options: TaskLease = { owner: "w1", now: Date.now(), leaseMs: 60_000 };
 */
export interface TaskLease {
  /** The runner; every batch is fenced on it. */
  owner: string;
  now: number;
  /** How long the task stays reserved; every committed batch extends it. */
  leaseMs: number;
}

/**
 * Leases the oldest running task whose lease is free or expired (a crashed runner's task comes
 * back this way). One `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING *`: atomic on SQLite's
 * single writer; on PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so two runners
 * never lease the same task.
 *
 * @example const task = await claimTask(store, { owner: "w1", now: Date.now(), leaseMs: 60_000 });
 */
export async function claimTask(store: Pick<Store, "db" | "dialect">, lease: TaskLease): Promise<TaskRow | undefined> {
  const { db, dialect } = store;
  const { owner, now, leaseMs } = lease;
  const claimed = await db
    .updateTable("tasks")
    .set({ lease_owner: owner, lease_until: now + leaseMs })
    .where("id", "in", (eb) => {
      const free = eb
        .selectFrom("tasks as t")
        .select("t.id")
        .where("t.status", "=", "running")
        .where((w) => w.or([w("t.lease_until", "is", null), w("t.lease_until", "<=", now)]))
        .orderBy("t.id")
        .limit(1);
      return dialect === "postgres" ? free.forUpdate().skipLocked() : free;
    })
    .returningAll()
    .executeTakeFirst();
  return claimed;
}

/**
 * Hands a leased task back: the next runner (this one after `dueAt`, or another instance) may
 * claim it from `dueAt` on. Used at shutdown (at once) and after a failed batch (later).
 *
 * @example await releaseTask(store, task.id, "w1", Date.now());
 */
export async function releaseTask(store: Pick<Store, "db">, id: string, owner: string, dueAt: number, error?: string): Promise<void> {
  await store.db
    .updateTable("tasks")
    .set({ lease_owner: null, lease_until: dueAt, ...(error !== undefined ? { error } : {}) })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}

/**
 * Ends a task as failed (a batch kept failing, or what it acts on is gone).
 *
 * @example await failTask(store, task.id, "w1", Date.now(), "endpoint deleted");
 */
export async function failTask(store: Pick<Store, "db">, id: string, owner: string, now: number, error: string): Promise<void> {
  await store.db
    .updateTable("tasks")
    .set({ status: "failed", error, lease_owner: null, lease_until: null, updated_at: now })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}
