import type { Store } from "../store/database.js";
import { TasksRepository } from "../store/tasks-repository.js";

/**
 * Runs every background task to its end, batch by batch, as the worker's task runner does
 * (same claim, same checkpointed batches), for suites that have no worker running. Returns
 * the number of batches committed.
 *
 * @example await runTasksToEnd(t.store, 100);
 */
export async function runTasksToEnd(store: Pick<Store, "db" | "dialect">, batchSize = 500): Promise<number> {
  const tasks = new TasksRepository(store);
  const lease = () => ({ owner: "test-runner", now: Date.now(), leaseMs: 60_000 });
  let batches = 0;
  for (let task = await tasks.claim(lease()); task; task = await tasks.claim(lease())) {
    for (;;) {
      const outcome = await tasks.runBatch(task.id, lease(), batchSize);
      batches++;
      if (outcome.state !== "running") break;
    }
  }
  return batches;
}
