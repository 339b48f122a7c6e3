import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const MAIN = join(ROOT, "server/src/main.ts");

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real server, from source, with `env`; resolves when it exits (a bad config must make it exit). */
function run(env: Record<string, string>): Promise<Exit> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", HOOKRELAY_HOST: "127.0.0.1", HOOKRELAY_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    // A server that started anyway would run forever: stop it and fail with what it printed.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`server did not exit:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Every setting is checked before the port opens, anything is created, or a token is printed. */
describe("starting with an invalid configuration", () => {
  const root = mkdtempSync(join(tmpdir(), "hookrelay-config-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("exits 1 naming each variable and value, having created and printed nothing", async () => {
    const dataDir = join(root, "data");
    const result = await run({
      HOOKRELAY_DATA_DIR: dataDir,
      HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "10.0.0.0/8, 10.0.0.300/8",
      HOOKRELAY_RETRY_SCHEDULE: "5,soon",
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^invalid configuration: HOOKRELAY_ALLOW_PRIVATE_NETWORKS="10\.0\.0\.0\/8, 10\.0\.0\.300\/8": "10\.0\.0\.300\/8" is not an address or CIDR range/));
    expect(lines).toContainEqual(expect.stringMatching(/^invalid configuration: HOOKRELAY_RETRY_SCHEDULE="5,soon": expected comma-separated whole seconds/));
    expect(result.stdout).toBe("");
    expect(result.stdout + result.stderr).not.toMatch(/allowPrivateNetworks|listening|admin API token/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("names a secret's variable without echoing its value", async () => {
    const dataDir = join(root, "data-2");
    const result = await run({
      HOOKRELAY_DATA_DIR: dataDir,
      HOOKRELAY_SECRET_KEY: "short-secret",
      HOOKRELAY_ADMIN_TOKEN: "short-token",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^invalid configuration: HOOKRELAY_SECRET_KEY: /m);
    expect(result.stderr).toMatch(/^invalid configuration: HOOKRELAY_ADMIN_TOKEN: /m);
    expect(result.stderr).not.toMatch(/short-secret|short-token/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses settings that contradict each other before making the data directory or key file", async () => {
    const dataDir = join(root, "data-3");
    const result = await run({
      HOOKRELAY_DATA_DIR: dataDir,
      HOOKRELAY_SECRET_KEY_PREVIOUS: "an-older-key-0123456789",
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("invalid configuration: HOOKRELAY_SECRET_KEY_PREVIOUS: is set without HOOKRELAY_SECRET_KEY");
    expect(existsSync(dataDir)).toBe(false);
  });
});
