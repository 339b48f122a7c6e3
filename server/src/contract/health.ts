import { z } from "zod";

/** The worker part of the health report: this process's worker, or a note that none runs here. */
export const WorkerHealthOut = z.discriminatedUnion("inProcess", [
  z.object({
    inProcess: z.literal(true),
    /** When the worker last finished a claim round; null before its first. */
    lastClaimRoundAt: z.string().nullable(),
    /** Seconds since that round (or since the worker started, before the first). */
    secondsSinceClaimRound: z.number(),
    /** True when no round finished for longer than a delivery lease: the worker is stuck. */
    stale: z.boolean(),
  }),
  z.object({ inProcess: z.literal(false), detail: z.literal("not in this process") }),
]);

/** One delivery worker as it last reported itself in the shared table (any instance's). */
export const WorkerInstanceOut = z.object({
  /** Its lease owner name (host:pid:random), as leased rows carry it. */
  owner: z.string(),
  host: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  lastClaimRoundAt: z.string().nullable(),
  secondsSinceClaimRound: z.number(),
  /** True when it has not finished a claim round for longer than a delivery lease. */
  stale: z.boolean(),
});

/** Every worker that reports to the database, on every instance; null while it cannot be read. */
export const WorkersHealthOut = z
  .object({ fresh: z.number(), stale: z.number(), instances: z.array(WorkerInstanceOut) })
  .nullable();

/**
 * `GET /healthz` and `GET /api/v1/health/report`: what a probe or an operator needs to know at
 * a glance. 200 with `status: "ok"`, 503 with `status: "unhealthy"` and the reasons in `problems`.
 */
export const HealthReportOut = z.object({
  status: z.enum(["ok", "unhealthy"]),
  problems: z.array(z.string()),
  checkedAt: z.string(),
  database: z.object({ reachable: z.boolean(), latencyMs: z.number().nullable() }),
  worker: WorkerHealthOut,
  /** Workers of all instances (from their heartbeats in the database), this one's included. */
  workers: WorkersHealthOut,
  /**
   * Deliveries due now that no worker holds, and committed messages no worker has expanded into
   * deliveries yet (ADR 0022); null while the database cannot be read.
   */
  queue: z
    .object({ due: z.number(), oldestDueSeconds: z.number(), unexpanded: z.number(), oldestUnexpandedSeconds: z.number() })
    .nullable(),
});
export type HealthReportOut = z.output<typeof HealthReportOut>;
