import { type Kysely, sql } from "kysely";

import type { HealthReportOut } from "../contract/health.js";
import type { Heartbeat } from "../lib/heartbeat.js";
import type { Backlog } from "../store/queue-view-repository.js";
import type { Database, WorkerHeartbeatRow } from "../store/schema.js";

export interface HealthDeps {
  db: Kysely<Database>;
  backlog: (now: number) => Promise<Backlog>;
  /** This process's worker heartbeat; undefined when no worker runs here (HOOKRELAY_ROLE=api). */
  heartbeat?: Heartbeat | undefined;
  /** Every worker's last report (the shared `worker_heartbeats` table). */
  workers: () => Promise<WorkerHeartbeatRow[]>;
  /** A worker with no claim round for longer than this is reported stale: the delivery lease. */
  staleAfterMs: number;
}

/**
 * The store check behind `/api/v1/health` and the JSON report behind `/healthz`. The report
 * names what an operator needs at a glance: the database, the queue read the way `/metrics` reads
 * it, this process's own worker, and every instance's workers as they reported themselves in the
 * database (so an API-only instance can tell whether anything is draining its queue).
 *
 * @example const r = await health.report(); r.status // "ok"
 */
export class HealthService {
  constructor(private readonly deps: HealthDeps) {}

  /** Resolves while the store answers; throws (a 503 through the error mapping) when it does not. */
  async check(): Promise<void> {
    await sql`select 1`.execute(this.deps.db);
  }

  async report(now: number = Date.now()): Promise<HealthReportOut> {
    const problems: string[] = [];
    const started = performance.now();
    let queue: HealthReportOut["queue"] = null;
    let latencyMs: number | null = null;
    try {
      await this.check();
      latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
      const backlog = await this.deps.backlog(now);
      queue = {
        due: backlog.due,
        oldestDueSeconds: backlog.oldestDueAt === null ? 0 : Math.max(0, (now - backlog.oldestDueAt) / 1000),
        unexpanded: backlog.unexpanded,
        oldestUnexpandedSeconds:
          backlog.oldestUnexpandedAt === null ? 0 : Math.max(0, (now - backlog.oldestUnexpandedAt) / 1000),
      };
    } catch {
      // The cause stays out of a public answer (it can name hosts); the logs have it.
      if (latencyMs === null) problems.push("database unreachable");
      else problems.push("queue could not be read");
    }
    const worker = this.worker(now);
    if (worker.inProcess && worker.stale) problems.push("worker has not claimed for longer than a delivery lease");
    const workers = latencyMs === null ? null : await this.workers(now);
    // Only when workers have reported: a deployment whose workers never reached this database
    // (or a test without one) is not judged by rows that were never written.
    if (workers && workers.instances.length > 0 && workers.fresh === 0)
      problems.push("no worker instance has claimed within a delivery lease");
    return {
      status: problems.length === 0 ? "ok" : "unhealthy",
      problems,
      checkedAt: new Date(now).toISOString(),
      database: { reachable: latencyMs !== null, latencyMs },
      worker,
      workers,
      queue,
    };
  }

  private async workers(now: number): Promise<HealthReportOut["workers"]> {
    let rows: WorkerHeartbeatRow[];
    try {
      rows = await this.deps.workers();
    } catch {
      return null;
    }
    const instances = rows.map((r) => {
      const since = now - (r.last_claim_at ?? r.started_at);
      return {
        owner: r.owner,
        host: r.host,
        pid: r.pid,
        startedAt: new Date(r.started_at).toISOString(),
        lastClaimRoundAt: r.last_claim_at === null ? null : new Date(r.last_claim_at).toISOString(),
        secondsSinceClaimRound: Math.max(0, since / 1000),
        stale: since > this.deps.staleAfterMs,
      };
    });
    const fresh = instances.filter((i) => !i.stale).length;
    return { fresh, stale: instances.length - fresh, instances };
  }

  private worker(now: number): HealthReportOut["worker"] {
    const heartbeat = this.deps.heartbeat;
    if (!heartbeat) return { inProcess: false, detail: "not in this process" };
    const last = heartbeat.lastAt;
    const since = now - (last ?? heartbeat.since);
    return {
      inProcess: true,
      lastClaimRoundAt: last === undefined ? null : new Date(last).toISOString(),
      secondsSinceClaimRound: Math.max(0, since / 1000),
      stale: since > this.deps.staleAfterMs,
    };
  }
}
