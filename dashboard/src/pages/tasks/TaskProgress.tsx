import { Link } from "@tanstack/react-router";

import type { BackgroundTask } from "../../api/types";
import { ProgressBar } from "../../components/ProgressBar";
import { formatCount, formatRelative } from "../../lib/format";
import { COUNTING_TASKS, TASK_LABELS, taskData } from "./taskData";

const STATUS_TONE = {
  running: "text-sky-700",
  finished: "text-emerald-700",
  failed: "text-red-700",
} as const;

/**
 * One task: what it is, its status, a progress bar while it runs, and what it did; with
 * `showTarget`, a link to the endpoint (or application) it works on.
 */
export function TaskProgress({ task, showTarget = false }: { task: BackgroundTask; showTarget?: boolean }) {
  const d = taskData(task);
  const verb = task.task === "application.purge_content" ? "purged" : "sent";
  const label = TASK_LABELS[task.task] ?? task.task;
  return (
    <div className="space-y-1.5" data-task={task.id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-800">
          {label}
          {showTarget && d.appId && (
            <span className="ml-2 text-xs font-normal text-slate-500">
              {d.endpointId ? (
                <Link
                  to="/apps/$appId/endpoints/$endpointId"
                  params={{ appId: d.appId, endpointId: d.endpointId }}
                  className="underline"
                >
                  {d.endpointId}
                </Link>
              ) : (
                <Link to="/apps/$appId" params={{ appId: d.appId }} className="underline">
                  {d.appId}
                </Link>
              )}
            </span>
          )}
        </span>
        <span className={`text-xs font-semibold ${STATUS_TONE[task.status]}`}>{task.status}</span>
      </div>
      {task.status === "running" && (
        <ProgressBar
          value={d.processed}
          max={d.total ?? Math.max(1, d.processed)}
          label={`${label} progress`}
        />
      )}
      <p className="text-xs text-slate-500">
        {d.total === null
          ? "Counting…"
          : COUNTING_TASKS.has(task.task)
            ? `${formatCount(d.processed)} of ${formatCount(d.total)} applications counted (the result is in the task's data)`
            : `${formatCount(d.processed)} of ${formatCount(d.total)} looked at, ${formatCount(d.count)} ${verb}`}
        {" · "}
        <span title={task.updatedAt}>updated {formatRelative(task.updatedAt)}</span>
        {" · "}
        <code className="text-[11px]">{task.id}</code>
      </p>
      {d.error && <p className="text-xs text-red-700">{d.error}</p>}
    </div>
  );
}
