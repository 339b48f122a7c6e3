/**
 * The processes the bench starts and stops, each in its own process so none shares the bench's
 * event loop: the bare node:http yardstick, Hookrelay (API, worker or both), the loopback
 * receiver, the raw undici POST loop; and how their memory is read.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { createPgSchema } from "../server/src/test-support/postgres.js";

export const ROOT = resolve(import.meta.dirname, "..");
export const TOKEN = "hr_bench_admin_token_0123456789abcdef";
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
/** Every instance of a PostgreSQL run shares the data key, as PostgreSQL deployments must. */
export const PG_SECRET_KEY = "bench-data-key-not-a-secret-0123456789";

export interface Proc {
  child: ChildProcess;
  url: string;
}

export type Receiver = Proc & { count(): Promise<number>; reset(): void };

/** How a phase starts and stops Hookrelay processes (startHookrelay and stop, from run.ts). */
export interface Servers {
  start(env: Record<string, string>): Promise<Proc>;
  stop(child: Proc["child"]): Promise<void>;
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

export async function startBare(): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "bench/bare-server.mjs")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { child, url: await waitForUrl(child, "bare server") };
}

export async function startHookrelay(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [join(ROOT, "server/dist/main.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
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

export async function startReceiver(): Promise<Receiver> {
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

/**
 * Waits until the receiver has seen `expected` requests (or `timeoutMs` passed); the time runs
 * from the first arrival, so a worker's start-up is not counted.
 */
export async function drain(
  receiver: Receiver,
  expected: number,
  timeoutMs: number,
): Promise<{ delivered: number; seconds: number }> {
  let started = 0;
  let delivered = 0;
  const deadline = Date.now() + timeoutMs;
  while (delivered < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    delivered = await receiver.count();
    if (delivered > 0 && started === 0) started = performance.now();
  }
  return { delivered, seconds: (performance.now() - started) / 1000 };
}

export interface UndiciLoopJob {
  url: string;
  path: string;
  total: number;
  concurrency: number;
  headers: Record<string, string>;
  body: string;
}

/** Runs bench/undici-loop.mjs in a process of its own and waits for its figures. */
export async function runUndiciLoop(
  job: UndiciLoopJob,
): Promise<{ rps: number; non2xx: number; seconds: number }> {
  const child = fork(join(ROOT, "bench/undici-loop.mjs"), { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const answer = new Promise<{ rps: number; non2xx: number; seconds: number }>((r, reject) => {
    child.once("message", r);
    child.once("exit", (code) => reject(new Error(`undici loop exited with ${code} before answering`)));
  });
  child.send(job);
  return answer;
}

/** A /proc/<pid>/status figure (VmHWM = peak, VmRSS = now) in MB; NaN when it cannot be read. */
export function rssMb(pid: number | undefined, field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  if (!pid) return NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

export const peakRssMb = (pid: number | undefined): number => rssMb(pid, "VmHWM");

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export interface FreshStore {
  /** The servers' env. */
  env: Record<string, string>;
  /** What the bench passes to openStore to read the rows itself. */
  dataDir: string;
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/** An empty store of its own for a phase: a temp data dir, or a fresh PostgreSQL schema. */
export async function freshStore(store: string, name: string): Promise<FreshStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `hookrelay-bench-${name}-`));
  const schema =
    store === "postgres" ? await createPgSchema(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL) : undefined;
  return {
    env: schema
      ? { DATABASE_URL: schema.url, HOOKRELAY_SECRET_KEY: PG_SECRET_KEY }
      : { HOOKRELAY_DATA_DIR: dataDir },
    dataDir,
    databaseUrl: schema?.url,
    drop: async () => {
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
