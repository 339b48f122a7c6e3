/**
 * `npm run bench [-- --store sqlite|postgres] [--seconds 10] [--connections 64] [--phase all|audit]`
 *
 * Starts, each in its own process: a bare node:http server (JSON parse + 202), the real
 * Hookrelay server, and a loopback receiver. Loads them from this process with autocannon and
 * prints ingest throughput and its ratio to the bare server, p50/p99 latency, the same with an
 * Idempotency-Key on every request (as the official SDKs send), end-to-end
 * deliveries/s and its ratio to a raw undici POST loop to the same receiver, verified inbound
 * webhook throughput (Careem-signed, distinct orders) and its ratio to the bare server, and peak RSS.
 * The figures are appended to bench/RESULTS.md with the date and machine.
 *
 * With `--store postgres` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) each
 * run gets a fresh schema, dropped at the end, and adds the two-instance figures: two API
 * processes sharing the load, two workers draining one backlog, each as a ratio to one, and the
 * two-instance delivery run (`--multi-messages`, default 20,000 messages × 5 endpoints).
 *
 * `--phase delivery` runs only steps 2 and 3 (ingest, then one worker drains the backlog).
 *
 * Then comes "management writes with audit" (bench/audit-phase.ts); `--phase audit` runs only
 * that one (a few seconds, nothing appended to RESULTS.md). `--phase ingest` runs only the
 * yardstick and message create (`POST /api/v1/app/{app}/msg`, no Idempotency-Key), for a quick
 * before/after of a change on that path (about 2 × --seconds, nothing appended).
 *
 * Then "background task under a crash" (bench/tasks-phase.ts): a recover of `--task-messages`
 * (default 50,000) failed messages, the server SIGKILLed mid-task and restarted; time to finish,
 * duplicates, live delivery latency meanwhile. `--phase tasks` runs only that one (appended
 * to RESULTS.md unless `--no-write`).
 *
 * Then "isolation" (bench/isolation-phase.ts): 600 deliveries to an endpoint that never answers
 * queued first, then 200 to a healthy endpoint of another application; the figure is the time
 * until all 200 arrived. `--phase isolation` runs only that one (under 10 s with the cap; nothing
 * appended to RESULTS.md); `--isolation-cap N` sets HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT (10000 shows
 * the uncapped behaviour, which takes about 30 s).
 *
 * Last, "transformation" (bench/transform-phase.ts): `--transform-messages` (5,000) deliveries
 * to one endpoint, plain, then the same with a trivial transformation, each drained by one
 * worker. `--phase transform` runs only that one (nothing appended to RESULTS.md).
 *
 * Then "content filter" (bench/filter-phase.ts): message create and delivery for two plain
 * endpoints next to two with a matching content filter, alternating, each on a fresh store.
 * `--phase filter` runs only that one (appended to RESULTS.md unless `--no-write`);
 * `--filter-pairs N` (default 2) sets how many plain/filtered pairs alternate.
 * `--phase filter` runs only that one (appended to RESULTS.md unless `--no-write`).
 * `--phase fanout` (bench/fanout-phase.ts, ADR 0022): create p50 with 1 vs `--fanout-endpoints`
 * (10,000) endpoints, and the time to expand one message to all of them; printed only.
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import autocannon from "autocannon";
import { Pool } from "undici";

import { createPgSchema, type PgSchema } from "../server/src/test-support/postgres.js";
import { auditPhase, auditReportLines } from "./audit-phase.js";
import { fanoutPhase } from "./fanout-phase.js";
import { filterPhase, filterReportLines } from "./filter-phase.js";
import { isolationPhase, isolationReportLines } from "./isolation-phase.js";
import { multiInstancePhase } from "./multi-instance.js";
import { tasksPhase, tasksReportLines } from "./tasks-phase.js";
import { transformPhase, transformReportLines } from "./transform-phase.js";

const ROOT = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    "multi-messages": { type: "string", default: "20000" },
    "no-write": { type: "boolean", default: false },
    phase: { type: "string", default: "all" },
    "task-messages": { type: "string", default: "50000" },
    "task-batch": { type: "string", default: "50" },
    "isolation-cap": { type: "string" },
    "filter-pairs": { type: "string", default: "2" },
    "isolation-hanging": { type: "string", default: "600" },
    "isolation-healthy": { type: "string", default: "200" },
    "transform-messages": { type: "string", default: "5000" },
    "fanout-endpoints": { type: "string", default: "10000" },
    "fanout-samples": { type: "string", default: "200" },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const TOKEN = "hr_bench_admin_token_0123456789abcdef";
const PAYLOAD = { id: "ord_1", customer: { name: "A. Customer", email: "a@example.com" }, note: "x".repeat(860) };
const BODY = JSON.stringify({ eventType: "order.created", payload: PAYLOAD });

interface Proc {
  child: ChildProcess;
  url: string;
}

function waitForUrl(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

async function startBare(): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "bench/bare-server.mjs")], { stdio: ["ignore", "pipe", "pipe"] });
  return { child, url: await waitForUrl(child, "bare server") };
}

async function startHookrelay(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "server/dist/main.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOOKRELAY_PORT: "0",
      HOOKRELAY_ADMIN_TOKEN: TOKEN,
      HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "127.0.0.0/8",
      HOOKRELAY_LOG_LEVEL: "warn",
      HOOKRELAY_METRICS: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (env.HOOKRELAY_ROLE === "worker") {
    await new Promise<void>((r, reject) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("Delivery worker started")) r();
      });
      child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
    });
    return { child, url: "" };
  }
  return { child, url: await waitForUrl(child, "hookrelay") };
}

async function startReceiver(): Promise<{ child: ChildProcess; url: string; count(): Promise<number>; reset(): void }> {
  const child = fork(join(ROOT, "bench/receiver.mjs"), { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const url = await new Promise<string>((r) => child.once("message", (m: { url: string }) => r(m.url)));
  return {
    child,
    url,
    reset: () => child.send("reset"),
    count: () =>
      new Promise((r) => {
        child.once("message", (m: { count: number }) => r(m.count));
        child.send("count");
      }),
  };
}

function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(status.match(/VmHWM:\s+(\d+)/)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  return autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: seconds,
    headers: { "content-type": "application/json", ...headers },
    body: BODY,
  });
}

async function api(url: string, path: string, body: unknown, method = "POST"): Promise<void> {
  const r = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
}

async function rawUndiciLoop(target: string, total: number, concurrency: number): Promise<number> {
  const pool = new Pool(target, { connections: concurrency });
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent++;
        const r = await pool.request({ path: "/", method: "POST", headers: { "content-type": "application/json" }, body: BODY });
        await r.body.dump();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return total / seconds;
}

/** PostgreSQL: a fresh schema per run (created in main, dropped at the end), so runs never mix. */
let pgSchema: PgSchema | undefined;

function storeEnv(dataDir: string): Record<string, string> {
  if (args.store === "postgres") {
    if (!pgSchema) throw new Error("the PostgreSQL schema is created in main()");
    // Every instance of a run shares the data key, as PostgreSQL deployments must.
    return { DATABASE_URL: pgSchema.url, HOOKRELAY_SECRET_KEY: "bench-data-key-not-a-secret-0123456789" };
  }
  return { HOOKRELAY_DATA_DIR: dataDir };
}

/**
 * PostgreSQL only: the same two measurements with two instances on the one database, and
 * their ratio to one instance. Ingest: two API processes, the load generator's connections
 * split between them (half each, so the offered load is the same as for one). Delivery: the
 * backlog that made is drained by two worker processes at once.
 */
async function twoInstancePhase(
  dataDir: string,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  single: { ingestRps: number; deliveryRps: number },
): Promise<Record<string, number | string>> {
  const env = { ...storeEnv(dataDir), HOOKRELAY_ROLE: "api" };
  const apis = await Promise.all([startHookrelay(env), startHookrelay(env)]);
  const half = Math.max(1, Math.floor(CONNECTIONS / 2));
  const run = (url: string) =>
    autocannon({
      url: `${url}/api/v1/app/bench/msg`,
      method: "POST",
      connections: half,
      duration: SECONDS,
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: BODY,
    });
  const runs = await Promise.all(apis.map((a) => run(a.url)));
  const accepted = runs.reduce((n: number, r: { "2xx": number }) => n + r["2xx"], 0);
  const rejected = runs.reduce((n: number, r: { non2xx: number; errors: number }) => n + r.non2xx + r.errors, 0);
  for (const a of apis) await stop(a.child);

  const backlog = accepted * 2;
  receiver.reset();
  const workerEnv = { ...storeEnv(dataDir), HOOKRELAY_ROLE: "worker" };
  const workers = await Promise.all([startHookrelay(workerEnv), startHookrelay(workerEnv)]);
  let started = 0;
  let delivered = 0;
  const deadline = Date.now() + 180_000;
  while (delivered < backlog && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    delivered = await receiver.count();
    if (delivered > 0 && started === 0) started = performance.now();
  }
  const deliveryRps = delivered / ((performance.now() - started) / 1000);
  for (const w of workers) await stop(w.child);

  const ingestRps = accepted / SECONDS;
  return {
    ingest2Rps: Math.round(ingestRps),
    ingest2Non2xx: rejected,
    ingest2Ratio: (ingestRps / single.ingestRps).toFixed(2),
    delivery2Rps: Math.round(deliveryRps),
    delivered2: delivered,
    delivery2Ratio: (deliveryRps / single.deliveryRps).toFixed(2),
  };
}

/** Whether server/dist/main.js is missing or older than some file under server/src. */
function distIsStale(): boolean {
  const built = join(ROOT, "server/dist/main.js");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : e.name.endsWith(".ts") && statSync(join(dir, e.name)).mtimeMs > builtAt,
    );
  return newer(join(ROOT, "server/src"));
}

async function main(): Promise<void> {
  // The phases run the compiled server: a dist older than any source file (after a pull or a
  // merge) would measure old code, so it is rebuilt first.
  if (distIsStale()) {
    execFileSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
  }
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-"));
  const results: Record<string, number | string> = {};
  if (args.store === "postgres") {
    pgSchema = await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  }
  const audit = () =>
    auditPhase({ start: startHookrelay, stop, env: storeEnv(dataDir), token: TOKEN, seconds: SECONDS, connections: CONNECTIONS });
  const tasks = async () => {
    // The phase's servers need their own schema: it creates an application with a fixed uid.
    const schema = args.store === "postgres" ? await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test") : undefined;
    try {
      return await tasksPhase({ messages: Number(args["task-messages"]), databaseUrl: schema?.url, batchSize: Number(args["task-batch"]) });
    } finally {
      await schema?.drop();
    }
  };

  // A store of its own: the phases before leave deliveries to unreachable example.com endpoints.
  const isolation = async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-bench-isolation-"));
    const schema = args.store === "postgres" ? await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test") : undefined;
    const env = schema
      ? { DATABASE_URL: schema.url, HOOKRELAY_SECRET_KEY: "bench-data-key-not-a-secret-0123456789" }
      : { HOOKRELAY_DATA_DIR: dir };
    try {
      return await isolationPhase({
        start: startHookrelay,
        stop,
        env,
        token: TOKEN,
        hanging: Number(args["isolation-hanging"]),
        healthy: Number(args["isolation-healthy"]),
        cap: args["isolation-cap"] === undefined ? undefined : Number(args["isolation-cap"]),
      });
    } finally {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A store of its own, like isolation's: plain and transformed deliveries in the same run.
  const transform = async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-bench-transform-"));
    const schema = args.store === "postgres" ? await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test") : undefined;
    const env = schema
      ? { DATABASE_URL: schema.url, HOOKRELAY_SECRET_KEY: "bench-data-key-not-a-secret-0123456789" }
      : { HOOKRELAY_DATA_DIR: dir };
    try {
      return await transformPhase({ start: startHookrelay, stop, env, token: TOKEN, messages: Number(args["transform-messages"]) });
    } finally {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const filter = async () => {
    const receiver = await startReceiver();
    try {
      return await filterPhase({
        start: startHookrelay,
        stop,
        freshStore: async () => {
          if (args.store === "postgres") {
            const schema = await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
            return { env: { DATABASE_URL: schema.url, HOOKRELAY_SECRET_KEY: "bench-data-key-not-a-secret-0123456789" }, drop: () => schema.drop() };
          }
          const dir = mkdtempSync(join(tmpdir(), "hookrelay-bench-filter-"));
          return { env: { HOOKRELAY_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
        },
        receiver,
        token: TOKEN,
        seconds: SECONDS,
        connections: CONNECTIONS,
        body: BODY,
        pairs: Number(args["filter-pairs"]),
      });
    } finally {
      receiver.child.kill();
    }
  };
  const fanout = async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-bench-fanout-"));
    const schema = args.store === "postgres" ? await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test") : undefined;
    const env: Record<string, string> = schema
      ? { DATABASE_URL: schema.url, HOOKRELAY_SECRET_KEY: "bench-data-key-not-a-secret-0123456789" }
      : { HOOKRELAY_DATA_DIR: dir };
    try {
      return await fanoutPhase({
        start: startHookrelay,
        stop,
        store: { env, dataDir: dir, databaseUrl: schema?.url },
        token: TOKEN,
        endpoints: Number(args["fanout-endpoints"]),
        samples: Number(args["fanout-samples"]),
      });
    } finally {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (args.phase === "transform") {
      process.stdout.write(`${transformReportLines(await transform()).join("\n")}\n`);
      return;
    }
    if (args.phase === "fanout") {
      // Fan-out in the worker (ADR 0022): printed, not appended to RESULTS.md.
      process.stdout.write(`${JSON.stringify(await fanout())}\n`);
      return;
    }
    if (args.phase === "filter") {
      report({ ...(await filter()), only: "filter" });
      return;
    }
    if (args.phase === "tasks") {
      const figures = await tasks();
      report({ ...figures, only: "tasks" });
      return;
    }
    if (args.phase === "audit") {
      const figures = await audit();
      process.stdout.write(`${auditReportLines(figures).join("\n")}\n`);
      return;
    }
    if (args.phase === "isolation") {
      process.stdout.write(`${isolationReportLines(await isolation()).join("\n")}\n`);
      return;
    }
    if (args.phase === "delivery") {
      process.stdout.write(`${(await deliveryOnly(dataDir)).join("\n")}\n`);
      return;
    }
    // 1. The yardstick.
    const bare = await startBare();
    await load(bare.url, {}, 1);
    const bareRun = await load(bare.url, {}, SECONDS);
    results.bareRps = Math.round(bareRun.requests.average);
    await stop(bare.child);

    // 2. Ingest: the API alone (HOOKRELAY_ROLE=api), so the queue builds up for step 3.
    const receiver = await startReceiver();
    const hr = await startHookrelay({ ...storeEnv(dataDir), HOOKRELAY_ROLE: "api" });
    await api(hr.url, "/api/v1/app", { name: "Bench", uid: "bench" });
    await api(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "one" });
    await api(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "two" });
    const ingestRun = await load(`${hr.url}/api/v1/app/bench/msg`, { authorization: `Bearer ${TOKEN}` }, SECONDS);
    const accepted = ingestRun["2xx"];
    const rejected = ingestRun.non2xx + ingestRun.errors;
    results.ingestRps = Math.round(accepted / SECONDS);
    results.ingestRatio = (accepted / SECONDS / (results.bareRps as number)).toFixed(2);
    results.p50Ms = ingestRun.latency.p50;
    results.p99Ms = ingestRun.latency.p99;
    results.ingestNon2xx = rejected;
    if (args.phase === "ingest") {
      process.stdout.write(`${JSON.stringify(results)}\n`);
      await stop(hr.child);
      await stop(receiver.child);
      return;
    }
    // The same with a fresh Idempotency-Key on every request, as the official SDKs send them.
    let key = 0;
    const keyedRun = await autocannon({
      url: `${hr.url}/api/v1/app/bench/msg`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: "POST",
          setupRequest: (req: Record<string, unknown>) => ({
            ...req,
            body: BODY,
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${TOKEN}`,
              "idempotency-key": `bench-${process.pid}-${key++}`,
            },
          }),
        },
      ],
    });
    const acceptedKeyed = keyedRun["2xx"];
    results.keyedRps = Math.round(acceptedKeyed / SECONDS);
    results.keyedNon2xx = keyedRun.non2xx + keyedRun.errors;
    results.keyedP50Ms = keyedRun.latency.p50;
    results.keyedP99Ms = keyedRun.latency.p99;
    results.apiPeakRssMb = peakRssMb(hr.child.pid);
    await stop(hr.child);

    // 3. Delivery: a worker drains the backlog (2 deliveries per message) to the receiver.
    const backlog = (accepted + acceptedKeyed) * 2;
    receiver.reset();
    const worker = await startHookrelay({ ...storeEnv(dataDir), HOOKRELAY_ROLE: "worker" });
    let started = 0;
    let delivered = 0;
    const deadline = Date.now() + 180_000;
    while (delivered < backlog && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      delivered = await receiver.count();
      if (delivered > 0 && started === 0) started = performance.now();
    }
    const deliverySeconds = (performance.now() - started) / 1000;
    results.delivered = delivered;
    results.deliveryRps = Math.round(delivered / deliverySeconds);
    results.workerPeakRssMb = peakRssMb(worker.child.pid);
    await stop(worker.child);

    // 4. The yardstick for delivery: a raw undici POST loop to the same receiver.
    receiver.reset();
    const rawRps = await rawUndiciLoop(receiver.url, Math.min(backlog, 100_000), 256);
    results.rawUndiciRps = Math.round(rawRps);
    results.deliveryRatio = ((results.deliveryRps as number) / rawRps).toFixed(2);
    if (args.store === "postgres") {
      const single = { ingestRps: results.ingestRps as number, deliveryRps: results.deliveryRps as number };
      Object.assign(results, await twoInstancePhase(dataDir, receiver, single));
    }
    receiver.child.kill();

    // 5. Inbound: Careem webhooks through the whole ingest path (source lookup, rate limit,
    // HMAC verification, de-duplication, normalization, message + request log in one commit).
    Object.assign(results, await inboundPhase(dataDir));
    if (args.store === "postgres") {
      const schema = await createPgSchema(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");
      try {
        Object.assign(results, await multiInstancePhase(schema, Number(args["multi-messages"])));
      } finally {
        await schema.drop();
      }
    }

    // 6. Management writes, each with its audit row on the one hash chain.
    Object.assign(results, await audit());

    // 7. A big background task, SIGKILLed mid-way: finish time, duplicates, live latency.
    Object.assign(results, await tasks());
    // 8. Isolation: a hanging endpoint's backlog must not hold up a healthy one.
    Object.assign(results, await isolation());
    // 9. Delivery with a trivial transformation next to plain delivery (ADR 16).
    Object.assign(results, await transform());
    // 10. Content filters: create and delivery with a filter on each endpoint, next to plain.
    Object.assign(results, await filter());
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await pgSchema?.drop();
  }
  report(results);
}

/**
 * `--phase delivery`: only the ingest and delivery steps, for a quick before/after of the
 * claim and result path (`--seconds` of ingest, then the time to drain; under 30 s at 3 s).
 */
async function deliveryOnly(dataDir: string): Promise<string[]> {
  const receiver = await startReceiver();
  const hr = await startHookrelay({ ...storeEnv(dataDir), HOOKRELAY_ROLE: "api" });
  try {
    await api(hr.url, "/api/v1/app", { name: "Bench", uid: "bench" });
    await api(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "one" });
    await api(hr.url, "/api/v1/app/bench/endpoint", { url: receiver.url, description: "two" });
    const run = await load(`${hr.url}/api/v1/app/bench/msg`, { authorization: `Bearer ${TOKEN}` }, SECONDS);
    await stop(hr.child);
    const backlog = run["2xx"] * 2;
    const worker = await startHookrelay({ ...storeEnv(dataDir), HOOKRELAY_ROLE: "worker" });
    let started = 0;
    let delivered = 0;
    const deadline = Date.now() + 40_000;
    while (delivered < backlog && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      delivered = await receiver.count();
      if (delivered > 0 && started === 0) started = performance.now();
    }
    const seconds = (performance.now() - started) / 1000;
    await stop(worker.child);
    return [`| end-to-end deliveries to a local receiver (${args.store}) | ${Math.round(delivered / seconds)} deliveries/s (${delivered} of ${backlog} delivered) |`];
  } finally {
    await stop(hr.child);
    receiver.child.kill();
  }
}

const CAREEM_SECRET = "careem_bench_secret_0123456789";
const ORDER_NOTE = "x".repeat(560);

/**
 * A distinct Careem `order.created` per call (distinct bodies, so none is a duplicate), about
 * the size of the outbound bench's payload, signed as Careem signs: hex HMAC-SHA256 of
 * "{timestamp}.{body}". Runs in autocannon's `setupRequest`, once per request.
 */
function signedCareemOrder(n: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    event_type: "order.created",
    timestamp: new Date().toISOString(),
    data: {
      order: {
        id: `careem_bench_${process.pid}_${n}`,
        order_number: `ORD-${n}`,
        status: "confirmed",
        restaurant_id: "rest_456",
        customer: { id: "cust_789", name: "Ahmed Ali", phone: "+971501234567", email: "ahmed@example.com" },
        items: [
          {
            id: "item_123",
            menu_item_id: "menu_456",
            name: "Chicken Shawarma",
            quantity: 2,
            unit_price: "25.00",
            total_price: "50.00",
          },
        ],
        total_amount: "52.00",
        currency: "AED",
        note: ORDER_NOTE,
      },
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", CAREEM_SECRET).update(`${timestamp}.${body}`).digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-careem-timestamp": timestamp,
      "x-careem-signature": signature,
    },
  };
}

async function inboundPhase(dataDir: string): Promise<Record<string, number | string>> {
  const hr = await startHookrelay({ ...storeEnv(dataDir), HOOKRELAY_ROLE: "api" });
  try {
    await api(hr.url, "/api/v1/app?get_if_exists=true", { name: "Bench inbound", uid: "bench-inbound" });
    // Two endpoints, as in the outbound phase, so each message fans out to two delivery rows.
    await api(hr.url, "/api/v1/app/bench-inbound/endpoint", { url: "https://example.com/one", uid: "one" });
    await api(hr.url, "/api/v1/app/bench-inbound/endpoint", { url: "https://example.com/two", uid: "two" });
    // A limit far above the load, so the limiter runs on every request but refuses none.
    const config = { secret: CAREEM_SECRET, rateLimits: [{ points: 1_000_000_000, durationSeconds: 60 }] };
    await api(
      hr.url,
      "/api/v1/app/bench-inbound/source/bench-careem",
      { name: "Careem", provider: "careem", config },
      "PUT",
    );
    let n = 0;
    const run = (seconds: number) =>
      autocannon({
        url: `${hr.url}/webhooks/careem/bench-inbound`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: "POST",
            setupRequest: (req: Record<string, unknown>) => ({ ...req, ...signedCareemOrder(n++) }),
          },
        ],
      });
    await run(1);
    const inbound = await run(SECONDS);
    return {
      inboundRps: Math.round(inbound["2xx"] / SECONDS),
      inboundNon2xx: inbound.non2xx + inbound.errors,
      inboundP50Ms: inbound.latency.p50,
      inboundP99Ms: inbound.latency.p99,
      inboundPeakRssMb: peakRssMb(hr.child.pid),
    };
  } finally {
    await stop(hr.child);
  }
}

function report(r: Record<string, number | string>): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const only = r.only === "tasks" ? "background task under a crash" : r.only === "filter" ? "content filter" : undefined;
  const lines = only ? [
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — store: ${args.store}, ${only} only${r.only === "filter" ? ` (${SECONDS} s of create per run, ${CONNECTIONS} connections)` : ""}`,
    "",
    `Machine: ${machine}`,
    "",
    "| figure | value |",
    "| --- | --- |",
    ...tasksReportLines(r),
    ...filterReportLines(r),
    "",
  ] : [
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — store: ${args.store}, ${SECONDS} s, ${CONNECTIONS} connections`,
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
    `| raw undici POST loop to the same receiver | ${r.rawUndiciRps} req/s |`,
    `| **delivery ratio** (target ≥ 0.5) | **${r.deliveryRatio}** |`,
    `| peak RSS: API process / worker process | ${r.apiPeakRssMb} MB / ${r.workerPeakRssMb} MB |`,
    `| inbound Careem webhook: verify, de-duplicate, normalize, 2 endpoints | ${r.inboundRps} req/s (non-2xx: ${r.inboundNon2xx}) |`,
    `| **inbound ratio** (to bare node:http) | **${(Number(r.inboundRps) / Number(r.bareRps)).toFixed(2)}** |`,
    `| inbound latency p50 / p99, peak RSS | ${r.inboundP50Ms} ms / ${r.inboundP99Ms} ms, ${r.inboundPeakRssMb} MB |`,
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
  process.stdout.write(lines.join("\n") + "\n");
  if (!args["no-write"]) appendFileSync(join(ROOT, "bench/RESULTS.md"), lines.join("\n") + "\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
