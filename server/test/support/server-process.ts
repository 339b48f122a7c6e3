import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
const MAIN = join(ROOT, "server/src/main.ts");

/**
 * The data key every server started on PostgreSQL gets unless a test names one: PostgreSQL
 * refuses to start without a shared key, and instances of one test must share it.
 */
export const TEST_SECRET_KEY = "e2e-test-data-key-not-a-secret-0123456789";

export interface ServerProcess {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  cleanup(): void;
}

export interface ServerOptions {
  env?: Record<string, string>;
  dataDir?: string;
  token?: string;
}

/**
 * Starts the real server as a child process (the same entry point as `npm start`, run from
 * source through tsx) on a free loopback port, and resolves once it prints its URL.
 *
 * @example const server = await startServer({ env: { HOOKRELAY_RETRY_SCHEDULE: "1,1" } });
 */
export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "hookrelay-e2e-"));
  const token = options.token ?? "hr_test_admin_token_0123456789abcdef";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    HOOKRELAY_HOST: "127.0.0.1",
    HOOKRELAY_PORT: "0",
    HOOKRELAY_DATA_DIR: dataDir,
    HOOKRELAY_ADMIN_TOKEN: token,
    HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "127.0.0.0/8",
    HOOKRELAY_LOG_LEVEL: "warn",
    HOOKRELAY_WORKER_POLL_MS: "50",
    ...options.env,
  };
  const postgres = [env.DATABASE_URL, env.HOOKRELAY_DATABASE_URL].some((u) => u?.startsWith("postgres"));
  if (postgres && !env.HOOKRELAY_SECRET_KEY && !env.HOOKRELAY_SECRET_KEY_FILE) env.HOOKRELAY_SECRET_KEY = TEST_SECRET_KEY;
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  // A worker-only process serves no API: it is ready once its worker has started (url "").
  const workerOnly = env.HOOKRELAY_ROLE === "worker";
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (): void => {
      const m = output.match(/listening on (http:\/\/[^\s]+)/);
      if (m?.[1] || (workerOnly && output.includes("Delivery worker started"))) {
        clearTimeout(timer);
        resolvePromise(m?.[1] ?? "");
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    url,
    token,
    dataDir,
    child,
    output: () => output,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
