/**
 * Bench phase "content filter" (ADR 0017): message create, then delivery by one worker, for
 * two endpoints without a filter and for two endpoints each with a content filter the payload
 * matches, side by side in one run, each on a fresh store. The deliveries are the same; the
 * difference is the fan-out's payload parse and filter evaluation. Variants alternate
 * (plain, filtered, filtered, plain, …) so a drift of the shared machine falls on both.
 * Also the in-process cost of one match (parse + evaluate) for the bench's payload.
 */
import type { ChildProcess } from "node:child_process";

import autocannon from "autocannon";

import { compileContentFilter, parsePayloadForFilter } from "../server/src/lib/content-filter.js";

export interface FilterPhaseDeps {
  start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }>;
  stop(child: ChildProcess): Promise<void>;
  /** A fresh, empty store for one variant, and how to drop it. */
  freshStore(): Promise<{ env: Record<string, string>; drop(): Promise<void> }>;
  receiver: { url: string; count(): Promise<number>; reset(): void };
  token: string;
  seconds: number;
  connections: number;
  /** The message create body (its payload is what the filter sees). */
  body: string;
  /** Plain/filtered pairs run, alternating (`--filter-pairs`, default 2). */
  pairs: number;
}

/** Matches the bench's payload (`{ id, customer: { name, email }, note }`) on three fields. */
export const BENCH_FILTER = {
  id: { $exists: true },
  customer: { email: { $in: ["a@example.com", "b@example.com"] } },
  note: { $neq: "" },
};

type Variant = "plain" | "filtered";

export async function filterPhase(deps: FilterPhaseDeps): Promise<Record<string, number | string>> {
  const runs: Record<Variant, { ingest: number[]; delivery: number[] }> = {
    plain: { ingest: [], delivery: [] },
    filtered: { ingest: [], delivery: [] },
  };
  // ABBA: each pair swaps which goes first, so what a run leaves behind (a PostgreSQL checkpoint
  // after the previous run's writes) does not always fall on the same variant.
  const order = Array.from({ length: deps.pairs }, (_, i) => (i % 2 === 0 ? (["plain", "filtered"] as const) : (["filtered", "plain"] as const))).flat();
  for (const variant of order) {
    const { ingest, delivery } = await runVariant(deps, variant);
    runs[variant].ingest.push(ingest);
    runs[variant].delivery.push(delivery);
  }
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const payload = (JSON.parse(deps.body) as { payload: unknown }).payload;
  return {
    filterPlainIngestRps: mean(runs.plain.ingest),
    filterIngestRps: mean(runs.filtered.ingest),
    filterPlainDeliveryRps: mean(runs.plain.delivery),
    filterDeliveryRps: mean(runs.filtered.delivery),
    filterRuns: `${runs.plain.ingest.join("/")} vs ${runs.filtered.ingest.join("/")} msg/s; ${runs.plain.delivery.join("/")} vs ${runs.filtered.delivery.join("/")} deliveries/s`,
    filterMatchUs: matchMicros(JSON.stringify(payload)),
  };
}

async function runVariant(deps: FilterPhaseDeps, variant: Variant): Promise<{ ingest: number; delivery: number }> {
  const store = await deps.freshStore();
  try {
    const api = await deps.start({ ...store.env, HOOKRELAY_ROLE: "api" });
    const call = async (path: string, body: unknown) => {
      const r = await fetch(api.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    };
    await call("/api/v1/app", { name: "Bench filter", uid: "bench-filter" });
    for (const description of ["one", "two"]) {
      await call("/api/v1/app/bench-filter/endpoint", {
        url: deps.receiver.url,
        description,
        ...(variant === "filtered" ? { filter: BENCH_FILTER } : {}),
      });
    }
    const run = await autocannon({
      url: `${api.url}/api/v1/app/bench-filter/msg`,
      method: "POST",
      connections: deps.connections,
      duration: deps.seconds,
      headers: { "content-type": "application/json", authorization: `Bearer ${deps.token}` },
      body: deps.body,
    });
    await deps.stop(api.child);
    const accepted = run["2xx"];

    deps.receiver.reset();
    const backlog = accepted * 2;
    const worker = await deps.start({ ...store.env, HOOKRELAY_ROLE: "worker" });
    let started = 0;
    let delivered = 0;
    const deadline = Date.now() + 180_000;
    while (delivered < backlog && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      delivered = await deps.receiver.count();
      if (delivered > 0 && started === 0) started = performance.now();
    }
    const seconds = (performance.now() - started) / 1000;
    await deps.stop(worker.child);
    if (delivered < backlog) throw new Error(`${variant}: ${delivered} of ${backlog} delivered`);
    return { ingest: Math.round(accepted / deps.seconds), delivery: Math.round(delivered / seconds) };
  } finally {
    await store.drop();
  }
}

/** Microseconds for one payload parse + one evaluation of {@link BENCH_FILTER}, in this process. */
function matchMicros(payloadText: string): string {
  const filter = compileContentFilter(BENCH_FILTER);
  const rounds = 50_000;
  let matched = 0;
  for (let i = 0; i < 5_000; i++) if (filter(parsePayloadForFilter(payloadText))) matched++;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) if (filter(parsePayloadForFilter(payloadText))) matched++;
  const parseAndMatch = ((performance.now() - started) * 1000) / rounds;
  const parsed = parsePayloadForFilter(payloadText);
  const evalStarted = performance.now();
  for (let i = 0; i < rounds; i++) if (filter(parsed)) matched++;
  const matchOnly = ((performance.now() - evalStarted) * 1000) / rounds;
  if (matched !== rounds * 2 + 5_000) throw new Error("the bench filter must match the bench payload");
  return `${parseAndMatch.toFixed(2)} µs parse + match, ${matchOnly.toFixed(2)} µs match alone (${payloadText.length} B payload)`;
}

/** The phase's rows in RESULTS.md's table (none when the phase did not run). */
export function filterReportLines(r: Record<string, number | string>): string[] {
  if (r.filterIngestRps === undefined) return [];
  const ratio = (a: unknown, b: unknown) => (Number(a) / Number(b)).toFixed(2);
  return [
    `| message create, 2 endpoints: plain / each with a content filter (matching) | ${r.filterPlainIngestRps} / ${r.filterIngestRps} msg/s (**${ratio(r.filterIngestRps, r.filterPlainIngestRps)}**) |`,
    `| delivery by one worker, the same backlogs: plain / content filter | ${r.filterPlainDeliveryRps} / ${r.filterDeliveryRps} deliveries/s (**${ratio(r.filterDeliveryRps, r.filterPlainDeliveryRps)}**) |`,
    `| content filter runs (plain vs filtered, in run order ABBA…) | ${r.filterRuns} |`,
    `| one content filter match in process | ${r.filterMatchUs} |`,
  ];
}
