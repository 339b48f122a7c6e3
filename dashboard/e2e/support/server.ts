import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
export const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";

export interface RunningServer {
  url: string;
  adminToken: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the real Hookrelay server on a free port with a fresh data directory, from the
 * TypeScript source through tsx, so the suite never tests a stale `server/dist`
 * (HOOKRELAY_E2E_FROM_DIST=1 runs the compiled server instead, to check a build).
 * Resolves once the server prints `listening on http://…`.
 *
 * @example const server = await startServer(); …; await server.stop();
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(REPO_ROOT, "dashboard/dist/index.html"))) {
    throw new Error("dashboard/dist is missing: run `npm run build -w dashboard` first");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-e2e-"));
  const compiled = join(REPO_ROOT, "server/dist/main.js");
  const useCompiled = process.env.HOOKRELAY_E2E_FROM_DIST === "1";
  if (useCompiled && !existsSync(compiled))
    throw new Error("server/dist is missing: run `npm run build -w server`");
  const args = useCompiled ? [compiled] : ["--import", "tsx", join(REPO_ROOT, "server/src/main.ts")];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOOKRELAY_PORT: "0",
      HOOKRELAY_HOST: "127.0.0.1",
      HOOKRELAY_DATA_DIR: dataDir,
      HOOKRELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "127.0.0.0/8",
      HOOKRELAY_RETRY_SCHEDULE: "1,1",
      HOOKRELAY_RETRY_JITTER: "0",
      HOOKRELAY_LOG_LEVEL: "warn",
      // On PostgreSQL (CI exports DATABASE_URL) the server refuses to start without a data key.
      ...(isPostgres() && !process.env.HOOKRELAY_SECRET_KEY
        ? { HOOKRELAY_SECRET_KEY: "e2e-data-key-not-a-secret-0123456789" }
        : {}),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: a Ctrl-C or group signal meant for the test runner does not reach it.
    detached: true,
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let log = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code ?? signal} before listening:\n${log}`));
    });
  });
  let stopping = false;
  child.once("exit", (code, signal) => {
    if (!stopping)
      process.stderr.write(`\nhookrelay server exited unexpectedly (${code ?? signal}):\n${log}\n`);
  });
  return {
    url,
    adminToken: ADMIN_TOKEN,
    output: () => log,
    stop: async () => {
      stopping = true;
      process.off("exit", killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function isPostgres(): boolean {
  return [process.env.DATABASE_URL, process.env.HOOKRELAY_DATABASE_URL].some((u) =>
    u?.startsWith("postgres"),
  );
}
