/**
 * Bench phase "outbound", the issue 13 ratios: the bare node:http yardstick, message create
 * (`POST /api/v1/app/{app}/msg`, 2 matching endpoints) through an API-only process, the same
 * with a fresh Idempotency-Key per request, then one worker draining that backlog to the
 * receiver, and the raw undici POST loop to the same receiver as the delivery yardstick.
 */
import { type Generator, load, type LoadResult } from "./load.js";
import {
  drain,
  peakRssMb,
  type Receiver,
  runUndiciLoop,
  startBare,
  startHookrelay,
  stop,
  TOKEN,
} from "./processes.js";

export interface OutboundDeps {
  /** The store's env for the servers. */
  env: Record<string, string>;
  receiver: Receiver;
  generator: Generator;
  body: string;
  seconds: number;
  connections: number;
}

/**
 * The raw loop's requests in flight. The worker's own limit is HOOKRELAY_WORKER_CONCURRENCY,
 * default 256 (server/src/config/config.ts), so the loop gets the same 256. The worker is also
 * held to HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT (64) per endpoint, 128 for the bench's 2 endpoints;
 * that is the product's isolation policy, a cost the ratio is meant to include, so the
 * yardstick is not lowered to it.
 */
const RAW_LOOP_CONCURRENCY = 256;

export async function adminCall(url: string, path: string, body: unknown, method = "POST"): Promise<void> {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

/** An API-only Hookrelay with the bench application and its two endpoints at the receiver. */
async function benchApi(env: Record<string, string>, receiver: Receiver) {
  const hr = await startHookrelay({ ...env, HOOKRELAY_ROLE: "api" });
  await adminCall(hr.url, "/api/v1/app", { name: "Bench", uid: "bench" });
  await adminCall(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "one" });
  await adminCall(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "two" });
  return hr;
}

/** The generator's figures for the results: its name, and autocannon's largest CPU share. */
function generatorFigures(runs: LoadResult[]): Record<string, number | string> {
  const cpu = runs.map((r) => r.generatorCpu).filter((x): x is number => x !== undefined);
  return { generator: runs[0]!.generator, ...(cpu.length ? { generatorCpu: Math.max(...cpu) } : {}) };
}

/** `ingestOnly`: the yardstick and message create alone (`--phase ingest`). */
export async function outboundPhase(
  deps: OutboundDeps,
  ingestOnly: boolean,
): Promise<Record<string, number | string>> {
  const { seconds, connections, body, generator } = deps;
  const post = (url: string, headers: Record<string, string>, s: number, idempotencyKeys = false) =>
    load(generator, { url, headers, body, connections, seconds: s, idempotencyKeys });
  const r: Record<string, number | string> = {};

  const bare = await startBare();
  await post(bare.url, {}, 1);
  const bareRun = await post(bare.url, {}, seconds);
  const bareRps = Math.round(bareRun.rps);
  r.bareRps = bareRps;
  await stop(bare.child);

  // The API alone (HOOKRELAY_ROLE=api), so the queue builds up for the worker.
  const hr = await benchApi(deps.env, deps.receiver);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const runs = [bareRun];
  let accepted: number;
  try {
    const ingest = await post(`${hr.url}/api/v1/app/bench/msg`, auth, seconds);
    runs.push(ingest);
    accepted = ingest.requests;
    r.ingestRps = Math.round(accepted / seconds);
    r.ingestRatio = (accepted / seconds / bareRps).toFixed(2);
    r.p50Ms = ingest.p50Ms;
    r.p99Ms = ingest.p99Ms;
    r.ingestNon2xx = ingest.non2xx;
    if (ingestOnly) return { ...r, ...generatorFigures(runs) };

    const keyed = await post(`${hr.url}/api/v1/app/bench/msg`, auth, seconds, true);
    runs.push(keyed);
    accepted += keyed.requests;
    r.keyedRps = Math.round(keyed.requests / seconds);
    r.keyedNon2xx = keyed.non2xx;
    r.keyedP50Ms = keyed.p50Ms;
    r.keyedP99Ms = keyed.p99Ms;
    r.apiPeakRssMb = peakRssMb(hr.child.pid);
  } finally {
    await stop(hr.child);
  }

  // One worker drains the backlog (2 deliveries per message) to the receiver.
  const backlog = accepted * 2;
  deps.receiver.reset();
  const worker = await startHookrelay({ ...deps.env, HOOKRELAY_ROLE: "worker" });
  const drained = await drain(deps.receiver, backlog, 180_000);
  r.delivered = drained.delivered;
  const deliveryRps = drained.delivered / drained.seconds;
  r.deliveryRps = Math.round(deliveryRps);
  r.workerPeakRssMb = peakRssMb(worker.child.pid);
  await stop(worker.child);

  deps.receiver.reset();
  const raw = await runUndiciLoop({
    url: deps.receiver.url,
    path: "/",
    total: Math.min(backlog, 100_000),
    concurrency: RAW_LOOP_CONCURRENCY,
    headers: { "content-type": "application/json" },
    body,
  });
  r.rawUndiciRps = Math.round(raw.rps);
  r.deliveryRatio = (deliveryRps / raw.rps).toFixed(2);
  return { ...r, ...generatorFigures(runs) };
}

/**
 * `--phase delivery`: `--seconds` of message create, then the time one worker takes to drain
 * it, for a quick before/after of the claim and result path (under 30 s at 3 s).
 */
export async function deliveryOnly(deps: OutboundDeps): Promise<string[]> {
  const hr = await benchApi(deps.env, deps.receiver);
  let run: LoadResult;
  try {
    const url = `${hr.url}/api/v1/app/bench/msg`;
    run = await load(deps.generator, {
      url,
      headers: { authorization: `Bearer ${TOKEN}` },
      body: deps.body,
      connections: deps.connections,
      seconds: deps.seconds,
    });
  } finally {
    await stop(hr.child);
  }
  const backlog = run.requests * 2;
  const worker = await startHookrelay({ ...deps.env, HOOKRELAY_ROLE: "worker" });
  const { delivered, seconds } = await drain(deps.receiver, backlog, 40_000);
  await stop(worker.child);
  const store = deps.env.DATABASE_URL ? "postgres" : "sqlite";
  return [
    `| end-to-end deliveries to a local receiver (${store}; ingest load: ${run.generator}) | ${Math.round(delivered / seconds)} deliveries/s (${delivered} of ${backlog} delivered) |`,
  ];
}
