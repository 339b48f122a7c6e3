import type { BackgroundTask, BackgroundTaskType } from "../../api/types";

/** What the dashboard reads from a task's `data` (Svix's counter plus Hookrelay's progress). */
export interface TaskProgressData {
  processed: number;
  total: number | null;
  progress: number;
  /** Messages queued again (recover, replays) or purged. */
  count: number;
  appId?: string;
  endpointId?: string;
  error?: string;
}

export const TASK_LABELS: Partial<Record<BackgroundTaskType, string>> = {
  "endpoint.recover": "Recover failed messages",
  "endpoint.bulk-replay": "Bulk replay",
  "endpoint.replay": "Replay missing messages",
  "application.purge_content": "Purge message contents",
  "application.stats": "Application usage statistics",
  "event-type.aggregate": "Subscribed event types",
};

/** Tasks that count rather than send or purge: their progress is in applications. */
export const COUNTING_TASKS: ReadonlySet<BackgroundTaskType> = new Set([
  "application.stats",
  "event-type.aggregate",
]);

export function taskData(task: BackgroundTask): TaskProgressData {
  const d = task.data as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" ? v : 0);
  return {
    processed: num(d.processed),
    total: typeof d.total === "number" ? d.total : null,
    progress: num(d.progress),
    count: num(d.messagesSent ?? d.messagesPurged),
    appId: typeof d.appId === "string" ? d.appId : undefined,
    endpointId: typeof d.endpointId === "string" ? d.endpointId : undefined,
    error: typeof d.error === "string" ? d.error : undefined,
  };
}
