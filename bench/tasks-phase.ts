/**
 * Bench phase "background task under a crash": a recover of `messages` failed messages
 * (default 50,000) through the official SDK, the server SIGKILLed when the task is 40 % done
 * and started again on the same data. Reports the time to finish (and to the last message
 * acknowledged), the acknowledgements beyond one per message (must be 0), and the latency of
 * live messages sent to another endpoint while the task ran. The scenario itself is the e2e
 * suite's (`server/test/support/recover-crash.ts`), at bench size.
 */
import { runRecoverCrash } from "../server/test/support/recover-crash.js";

export interface TasksPhaseOptions {
  messages: number;
  /** PostgreSQL schema URL, or undefined for SQLite. */
  databaseUrl: string | undefined;
  batchSize: number;
}

export async function tasksPhase(options: TasksPhaseOptions): Promise<Record<string, number | string>> {
  const r = await runRecoverCrash({
    messages: options.messages,
    databaseUrl: options.databaseUrl,
    batchSize: options.batchSize,
    pauseMs: 20,
    killAt: 0.4,
    log: (line) => process.stderr.write(`tasks phase: ${line}\n`),
  });
  return {
    taskMessages: r.messages,
    taskBatch: options.batchSize,
    taskKilledAt: `${r.killedAt.processed}/${r.killedAt.total} (${r.killedAt.status})`,
    taskMs: r.taskMs,
    taskAfterRestartMs: r.afterRestartMs,
    taskDeliveredMs: r.deliveredMs,
    taskDelivered: r.delivered,
    taskDuplicates: r.duplicates,
    taskLive: `${r.live.delivered}/${r.live.sent}, p50 ${r.live.p50Ms} ms, p99 ${r.live.p99Ms} ms, max ${r.live.maxMs} ms`,
    taskBaseline: `${r.baseline.delivered}/${r.baseline.sent}, p50 ${r.baseline.p50Ms} ms, p99 ${r.baseline.p99Ms} ms, max ${r.baseline.maxMs} ms`,
  };
}

/** The phase's rows of the RESULTS.md table; none when it did not run. */
export function tasksReportLines(r: Record<string, number | string>): string[] {
  if (r.taskMessages === undefined) return [];
  return [
    `| recover of ${r.taskMessages} failed messages (batches of ${r.taskBatch}), SIGKILL at ${r.taskKilledAt}, restart | finished ${r.taskMs} ms after the request (${r.taskAfterRestartMs} ms after the restart); all acknowledged at ${r.taskDeliveredMs} ms |`,
    `| **recover under a crash: delivered / duplicates** (target: all / 0) | **${r.taskDelivered} / ${r.taskDuplicates}** |`,
    `| live messages to another endpoint during the task: delivered, latency | ${r.taskLive} |`,
    `| the same for 1.5 s before the task (baseline) | ${r.taskBaseline} |`,
  ];
}
