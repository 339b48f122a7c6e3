/**
 * `npm run bench [-- --store sqlite|postgres] [--seconds 10] [--connections 64]`
 *
 * Starts, each in its own process: a bare node:http server (JSON parse + 202), the real
 * Hookrelay server, and a loopback receiver. Loads them from this process with autocannon and
 * prints ingest throughput and its ratio to the bare server, p50/p99 latency, end-to-end
 * deliveries/s and its ratio to a raw undici POST loop to the same receiver, and peak RSS.
 * The figures are appended to bench/RESULTS.md with the date and machine.
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import autocannon from "autocannon";
import { Pool } from "undici";

const ROOT = resolve(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    "no-write": { type: "boolean", default: false },
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

async function api(url: string, path: string, body: unknown): Promise<void> {
  const r = await fetch(url + path, {
    method: "POST",
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

function storeEnv(dataDir: string): Record<string, string> {
  if (args.store === "postgres") {
    const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    return { DATABASE_URL: url };
  }
  return { HOOKRELAY_DATA_DIR: dataDir };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, "server/dist/main.js"))) {
    execFileSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
  }
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-"));
  const results: Record<string, number | string> = {};
  try {
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
    results.apiPeakRssMb = peakRssMb(hr.child.pid);
    await stop(hr.child);

    // 3. Delivery: a worker drains the backlog (2 deliveries per message) to the receiver.
    const backlog = accepted * 2;
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
    receiver.child.kill();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(results);
}

function report(r: Record<string, number | string>): void {
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
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
    `| end-to-end deliveries to a local receiver | ${r.deliveryRps} deliveries/s (${r.delivered} delivered) |`,
    `| raw undici POST loop to the same receiver | ${r.rawUndiciRps} req/s |`,
    `| **delivery ratio** (target ≥ 0.5) | **${r.deliveryRatio}** |`,
    `| peak RSS: API process / worker process | ${r.apiPeakRssMb} MB / ${r.workerPeakRssMb} MB |`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  if (!args["no-write"]) appendFileSync(join(ROOT, "bench/RESULTS.md"), lines.join("\n") + "\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
