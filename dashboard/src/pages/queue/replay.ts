import { endpoints } from "../../api/resources";
import type { QueueItem, QueueStatus, TaskStart } from "../../api/types";

/**
 * Replays the queue tab on the server: one background task per endpoint among the rows shown,
 * instead of one resend per row from the browser. Exhausted rows (`fail`) are recovered (every
 * failed delivery of the endpoint, not only the rows loaded); rows waiting to retry (`pending`)
 * are bulk-replayed now as manual attempts. The tasks run in the worker, in batches, and
 * survive a restart; their progress shows on the Background tasks page.
 */
export async function replayQueue(
  appId: string,
  status: QueueStatus,
  items: QueueItem[],
): Promise<{ tasks: TaskStart[]; failed: number }> {
  // From the start of time: a task walks its range in batches, so the width costs only time.
  const since = new Date(0).toISOString();
  const tasks: TaskStart[] = [];
  let failed = 0;
  for (const endpointId of new Set(items.map((i) => i.endpointId))) {
    try {
      tasks.push(
        status === "fail"
          ? await endpoints.recover(appId, endpointId, since)
          : await endpoints.bulkReplay(appId, endpointId, { since, status: 1 }),
      );
    } catch {
      failed++;
    }
  }
  return { tasks, failed };
}
