import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "server/src/cli/hookrelay.ts");

/**
 * `hookrelay …` run from source as its own process on a SQLite data directory, with a bare
 * environment; resolves with the exit code and the output (stdout then stderr).
 *
 * @example const { code, out } = await hookrelay(dataDir, "audit", "verify");
 */
export async function hookrelay(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return hookrelayWith({ HOOKRELAY_DATA_DIR: dataDir }, ...args);
}

/**
 * `hookrelay …` as {@link hookrelay}, with the given environment (a database URL, a data key)
 * over the bare one; stdout and stderr apart as well, for commands whose stdout is a document.
 *
 * @example const { code, stdout } = await hookrelayWith({ HOOKRELAY_DATA_DIR: dir, DATABASE_URL: url }, "export");
 */
export async function hookrelayWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr, stdout: e.stdout };
  }
}
