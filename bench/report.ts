/**
 * The RESULTS.md section of a bench run: printed, and appended to bench/RESULTS.md unless
 * `--no-write`. A run of one phase (`only`) gets that phase's rows alone.
 */
import { appendFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

import { auditReportLines } from "./audit-phase.js";
import { backlogReportLines } from "./backlog-phase.js";
import { filterReportLines } from "./filter-phase.js";
import { isolationReportLines } from "./isolation-phase.js";
import { ROOT } from "./processes.js";
import { tasksReportLines } from "./tasks-phase.js";
import { transformReportLines } from "./transform-phase.js";

export interface RunInfo {
  store: string;
  seconds: number;
  connections: number;
  write: boolean;
}

const ONLY: Record<string, string> = {
  tasks: "background task under a crash",
  filter: "content filter",
  backlog: "pending-delivery backlog",
};

/** Which load generator made the HTTP figures; autocannon shares the bench's CPU, so its share is stated. */
function generatorNote(r: Record<string, number | string>): string {
  if (r.generator === "wrk") return "wrk (own process, 1 thread)";
  return `autocannon in the bench process (${r.generatorCpu} of a core at most)`;
}

export function report(r: Record<string, number | string>, run: RunInfo): void {
  const { store, seconds: SECONDS, connections: CONNECTIONS } = run;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const only = ONLY[String(r.only)];
  const lines = only
    ? [
        `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — store: ${store}, ${only} only${r.only === "filter" ? ` (${SECONDS} s of create per run, ${CONNECTIONS} connections)` : ""}`,
        "",
        `Machine: ${machine}`,
        "",
        "| figure | value |",
        "| --- | --- |",
        ...tasksReportLines(r),
        ...filterReportLines(r),
        ...backlogReportLines(r),
        "",
      ]
    : [
        `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — store: ${store}, ${SECONDS} s, ${CONNECTIONS} connections, load: ${generatorNote(r)}`,
        "",
        `Machine: ${machine}`,
        "",
        "| figure | value |",
        "| --- | --- |",
        `| bare node:http (JSON parse + 202) | ${r.bareRps} req/s |`,
        `| message create, 2 matching endpoints | ${r.ingestRps} msg/s (non-2xx: ${r.ingestNon2xx}) |`,
        `| **ingest ratio** (target ≥ 0.5) | **${r.ingestRatio}** |`,
        `| create latency p50 / p99 | ${r.p50Ms} ms / ${r.p99Ms} ms |`,
        `| message create with an Idempotency-Key per request (as the SDKs send) | ${r.keyedRps} msg/s (non-2xx: ${r.keyedNon2xx}), p50 / p99 ${r.keyedP50Ms} ms / ${r.keyedP99Ms} ms |`,
        `| end-to-end deliveries to a local receiver | ${r.deliveryRps} deliveries/s (${r.delivered} delivered) |`,
        `| raw undici POST loop to the same receiver (own process, 256 in flight) | ${r.rawUndiciRps} req/s |`,
        `| **delivery ratio** (target ≥ 0.5) | **${r.deliveryRatio}** |`,
        `| peak RSS: API process / worker process | ${r.apiPeakRssMb} MB / ${r.workerPeakRssMb} MB |`,
        `| inbound Careem webhook: verify, de-duplicate, normalize, 2 endpoints | ${r.inboundRps} req/s (non-2xx: ${r.inboundNon2xx}) |`,
        `| **inbound ratio** (to bare node:http) | **${(Number(r.inboundRps) / Number(r.bareRps)).toFixed(2)}** |`,
        `| inbound latency p50 / p99, peak RSS | ${r.inboundP50Ms} ms / ${r.inboundP99Ms} ms, ${r.inboundPeakRssMb} MB |`,
        `| inbound load generator | autocannon in the bench process (per-request signing), ${r.inboundGeneratorCpu} of a core |`,
        ...(r.ingest2Rps === undefined
          ? []
          : [
              `| two API instances, one PostgreSQL (connections split) | ${r.ingest2Rps} msg/s (non-2xx: ${r.ingest2Non2xx}) |`,
              `| **two-instance ingest ratio** (to one instance) | **${r.ingest2Ratio}** |`,
              `| two workers draining one backlog | ${r.delivery2Rps} deliveries/s (${r.delivered2} delivered) |`,
              `| **two-worker delivery ratio** (to one worker) | **${r.delivery2Ratio}** |`,
              `| two complete instances, ${r.multiMessages} messages × 5 endpoints through both APIs | ${r.multiIngestRps} msg/s, ${r.multiDeliveryRps} deliveries/s; missing ${r.multiMissing}, unfinished ${r.multiUnfinished}, repeated ${r.multiDuplicates}, concurrent repeats ${r.multiOverlaps} |`,
            ]),
        ...auditReportLines(r),
        ...tasksReportLines(r),
        ...isolationReportLines(r),
        ...transformReportLines(r),
        ...filterReportLines(r),
        "",
      ];
  // A run of some phases (`--phase outbound`) leaves the other phases' figures unset: their rows go.
  const text = lines.filter((l) => !/\bundefined\b|\bNaN\b/.test(l)).join("\n") + "\n";
  process.stdout.write(text);
  if (run.write) appendFileSync(join(ROOT, "bench/RESULTS.md"), text);
}
