import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What a user gets from `npm pack`: the Docker image's runtime stage (its exact commands and CMD,
 * run here without Docker) and `npm install -g` of the tarball. Both install from the npm
 * registry (better-sqlite3 may compile), hence the long timeouts.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const INSTALL_MS = 10 * 60_000;

/** The runtime stage's preparation, in the Dockerfile's order (each line must appear there verbatim). */
const RUNTIME_STEPS = [
  "npm pkg delete scripts devDependencies workspaces",
  "npm install --package-lock-only --omit=dev --ignore-scripts",
  "npm ci --omit=dev",
];

const work = mkdtempSync(join(tmpdir(), "hookrelay-pack-"));
let tarball = "";

interface Run {
  code: number | null;
  output: string;
  stdout: string;
  ms: number;
}

/** The environment without the npm_* variables `npm test` sets, which would leak into the installs. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(command: string, args: string[], cwd: string, env = cleanEnv()): Promise<Run> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => ((output += d.toString()), (stdout += d.toString())));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", fail);
    child.once("exit", (code) => done({ code, output, stdout, ms: Date.now() - started }));
  });
}

async function runOk(command: string, args: string[], cwd: string, env?: Record<string, string>): Promise<Run> {
  const result = await run(command, args, cwd, env);
  expect(result.code, `${command} ${args.join(" ")}:\n${result.output}`).toBe(0);
  return result;
}

interface Started {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a server process and resolves with its URL once it says it is listening. */
async function start(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no start in 30 s:\n${output}`)), 30_000);
    child.stdout.on("data", () => {
      const m = output.match(/listening on (http:\/\/[^\s]+)/);
      if (m?.[1]) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { url, child, output: () => output, stop: async () => (child.kill("SIGTERM"), exited) };
}

/** Every installed copy of a package below dir: name → versions. */
function installed(dir: string, found = new Map<string, Set<string>>()): Map<string, Set<string>> {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const pkgDirs = entry.name.startsWith("@")
      ? readdirSync(join(dir, entry.name)).map((n) => join(dir, entry.name, n))
      : [join(dir, entry.name)];
    for (const pkgDir of pkgDirs) {
      const manifest = join(pkgDir, "package.json");
      if (existsSync(manifest)) {
        const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as { name: string; version: string };
        found.set(name, (found.get(name) ?? new Set()).add(version));
      }
      installed(join(pkgDir, "node_modules"), found);
    }
  }
  return found;
}

function majors(versions: Set<string> | undefined): string[] {
  return [...new Set([...(versions ?? [])].map((v) => v.split(".")[0]!))];
}

/** The JSON array of the last `<instruction> [...]` line in the Dockerfile (continuations joined). */
function dockerJson(instruction: "CMD" | "HEALTHCHECK"): string[] {
  const joined = DOCKERFILE.replace(/\\\n\s*/g, " ");
  const lines = joined.split("\n").filter((l) => l.startsWith(`${instruction} `));
  const json = lines.at(-1)?.match(/CMD (\[.*\])\s*$/)?.[1];
  if (!json) throw new Error(`no exec-form ${instruction} in the Dockerfile`);
  return JSON.parse(json) as string[];
}

beforeAll(async () => {
  // `npm pack` runs prepack (the build). When the build is already there it is packed as is:
  // rebuilding would empty dashboard/dist under the browser suites running at the same time.
  const built = existsSync(join(ROOT, "server/dist/main.js")) && existsSync(join(ROOT, "dashboard/dist/index.html"));
  const packed = await runOk("npm", ["pack", "--json", "--pack-destination", work, ...(built ? ["--ignore-scripts"] : [])], ROOT);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[\n"))) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = join(work, info!.filename);
  const paths = info!.files.map((f) => f.path);
  expect(paths).toEqual(expect.arrayContaining(["package.json", "README.md", "server/dist/main.js", "server/dist/cli/hookrelay.js", "dashboard/dist/index.html"]));
  expect(paths.filter((p) => /\.test\.|^server\/src\/|^dashboard\/src\/|^dashboard\/.*\.map$|(^|\/)data\//.test(p))).toEqual([]);
  console.log(`npm pack: ${info!.filename}, ${(info!.size / 1024).toFixed(0)} kB, ${paths.length} files`);
}, INSTALL_MS);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent("packaging", () => {
  it("the image's runtime stage: npm ci --omit=dev of the pack, then its CMD serves health and the dashboard", async () => {
    for (const step of RUNTIME_STEPS) expect(DOCKERFILE).toContain(step);
    expect(DOCKERFILE).toContain("--strip-components=1");
    const app = join(work, "app");
    mkdirSync(app);
    await runOk("tar", ["-xzf", tarball, "--strip-components=1"], app);
    copyFileSync(join(ROOT, "package-lock.json"), join(app, "package-lock.json"));
    let npmOutput = "";
    for (const step of RUNTIME_STEPS) {
      const [cmd, ...args] = step.split(" ");
      const result = await runOk(cmd!, args, app);
      npmOutput += result.output;
      if (step.startsWith("npm ci")) console.log(`image runtime install (npm ci --omit=dev): ${(result.ms / 1000).toFixed(1)} s`);
    }
    expect(npmOutput).not.toContain("EBADENGINE");
    const modules = installed(join(app, "node_modules"));
    for (const dev of ["typescript", "vitest", "vite", "tsx", "eslint"]) expect(modules.has(dev), dev).toBe(false);
    expect(majors(modules.get("@fastify/static"))).toHaveLength(1);

    const [command, ...args] = dockerJson("CMD");
    expect(command).toBe("node");
    const server = await start(process.execPath, args, app, {
      PATH: process.env.PATH ?? "",
      HOME: work,
      NODE_ENV: "production",
      HOOKRELAY_HOST: "127.0.0.1",
      HOOKRELAY_PORT: "0",
      HOOKRELAY_DATA_DIR: join(work, "image-data"),
    });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe("ok");
      const dashboard = await fetch(`${server.url}/`);
      expect(dashboard.headers.get("content-type")).toContain("text/html");
      // The image's HEALTHCHECK, run against this server.
      const [hcCommand, ...hcArgs] = dockerJson("HEALTHCHECK");
      expect(hcCommand).toBe("node");
      const port = new URL(server.url).port;
      const check = await run(process.execPath, hcArgs, work, { PATH: process.env.PATH ?? "", HOOKRELAY_PORT: port });
      expect(check.code, check.output).toBe(0);
    } finally {
      await server.stop();
    }
  }, INSTALL_MS);

  it("npm install -g of the tarball: hookrelay start and token list work outside the clone", async () => {
    const prefix = join(work, "global");
    const install = await runOk("npm", ["install", "-g", "--prefix", prefix, tarball], work);
    console.log(`npm install -g of the tarball: ${(install.ms / 1000).toFixed(1)} s`);
    expect(install.output).not.toContain("EBADENGINE");
    const modules = installed(join(prefix, "lib/node_modules/hookrelay/node_modules"));
    expect(majors(modules.get("@fastify/static"))).toHaveLength(1);
    expect(majors(modules.get("cookie"))).toEqual(["1"]);

    const bin = join(prefix, "bin/hookrelay");
    // The suite's own settings (DATABASE_URL, HOOKRELAY_*) stay out: a fresh install on SQLite.
    const env = cleanEnv();
    for (const k of Object.keys(env)) if (/^(HOOKRELAY_|DATABASE_URL$|PG)/.test(k)) delete env[k];
    Object.assign(env, { HOOKRELAY_HOST: "127.0.0.1", HOOKRELAY_PORT: "0", HOOKRELAY_DATA_DIR: join(work, "global-data") });
    const server = await start(bin, ["start"], work, env);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const list = await runOk(bin, ["token", "list"], work, env);
      expect(list.output).toContain("admin (first start)");
    } finally {
      await server.stop();
    }
  }, INSTALL_MS);
});
