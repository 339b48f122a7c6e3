/**
 * Bench phase "management writes with audit": endpoint PATCHes in a loop, each one a
 * transaction with its audit row appended to the hash chain (ADR 6), which serializes them.
 * Then the chain is verified and its length checked against the writes acknowledged.
 */
import type { ChildProcess } from "node:child_process";

import autocannon from "autocannon";

export interface AuditPhaseDeps {
  start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }>;
  stop(child: ChildProcess): Promise<void>;
  env: Record<string, string>;
  token: string;
  seconds: number;
  connections: number;
}

export async function auditPhase(deps: AuditPhaseDeps): Promise<Record<string, number | string>> {
  const hr = await deps.start({ ...deps.env, HOOKRELAY_ROLE: "api" });
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(hr.url + path, {
      method,
      headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  try {
    await call("POST", "/api/v1/app?get_if_exists=true", { name: "Bench audit", uid: "bench-audit" });
    await call("PUT", "/api/v1/app/bench-audit/endpoint/audited", { url: "https://example.com/audited" });
    const before = await call("GET", "/api/v1/audit-log?limit=1");
    const firstSeq = Number((before.data as { seq: number }[])[0]?.seq ?? 0);
    let n = 0;
    const connections = Math.min(deps.connections, 16);
    const run = await autocannon({
      url: `${hr.url}/api/v1/app/bench-audit/endpoint/audited`,
      connections,
      duration: deps.seconds,
      requests: [
        {
          method: "PATCH",
          setupRequest: (req: Record<string, unknown>) => ({
            ...req,
            body: JSON.stringify({ description: `change ${n++}` }),
            headers: { "content-type": "application/json", authorization: `Bearer ${deps.token}` },
          }),
        },
      ],
    });
    const after = await call("GET", "/api/v1/audit-log?limit=1");
    const rows = Number((after.data as { seq: number }[])[0]?.seq ?? 0) - firstSeq;
    const verify = await call("GET", "/api/v1/audit-log/verify");
    return {
      auditWritesRps: Math.round(run["2xx"] / deps.seconds),
      auditNon2xx: run.non2xx + run.errors,
      auditP50Ms: run.latency.p50,
      auditP99Ms: run.latency.p99,
      // Every acknowledged PATCH has its row. autocannon stops counting at the deadline while
      // up to one request per connection is still in flight; those commit too, with their rows.
      auditRowsMatch:
        rows >= run["2xx"] && rows - run["2xx"] <= connections
          ? `yes (${rows} rows, ${run["2xx"]} acknowledged, ${rows - run["2xx"]} in flight at the deadline)`
          : `NO (${rows} rows for ${run["2xx"]} acknowledged writes)`,
      auditVerify:
        verify.ok === true
          ? `ok (${String(verify.checked)} rows)`
          : `BROKEN ${JSON.stringify(verify.firstBroken)}`,
    };
  } finally {
    await deps.stop(hr.child);
  }
}

/** The report lines of the phase. */
export function auditReportLines(r: Record<string, number | string>): string[] {
  if (r.auditWritesRps === undefined) return [];
  return [
    `| management writes with audit (endpoint PATCH, ≤ 16 connections) | ${r.auditWritesRps} req/s (non-2xx: ${r.auditNon2xx}), p50 / p99 ${r.auditP50Ms} ms / ${r.auditP99Ms} ms |`,
    `| audit rows for acknowledged writes; chain verify | ${r.auditRowsMatch}; ${r.auditVerify} |`,
  ];
}
