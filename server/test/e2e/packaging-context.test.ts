import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import dockerignore from "@balena/dockerignore";
import { describe, expect, it } from "vitest";

/**
 * The Docker build context: what `docker build .` would send, computed with @balena/dockerignore
 * (a port of Docker's own matcher) from the shipped .dockerignore. No Docker engine is needed.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const rules = readFileSync(join(ROOT, ".dockerignore"), "utf8");
// A CommonJS module typed as an ES default export: `.default` is the factory under both views.
const ig = dockerignore.default().add(rules);

// What a working clone accumulates next to the sources: none of it may reach the image.
const SENSITIVE = [
  "data/hookrelay.db",
  "data/hookrelay.db-wal",
  "data/hookrelay.db-shm",
  "data/secret.key",
  "data/admin-token.txt",
  "secret.key",
  "server/secret.key",
  "server/data/hookrelay.db",
  "backup/hookrelay.db",
  "backup/hookrelay.sqlite",
  "keys/data.key.old",
  "tls/server.pem",
  ".env",
  ".env.production",
  "server/.env",
  "dashboard/.env.local",
  "prod.env",
  "node_modules/fastify/package.json",
  "server/node_modules/x/index.js",
  "server/dist/main.js",
  "dashboard/dist/index.html",
  "hookrelay-0.1.0.tgz",
  ".git/config",
  "coverage/index.html",
  "test-results/run.json",
  "npm-debug.log",
];

// What the Dockerfile's build stage copies and compiles.
const NEEDED = [
  "package.json",
  "package-lock.json",
  "tsconfig.base.json",
  "server/package.json",
  "server/tsconfig.build.json",
  "server/src/main.ts",
  "server/src/cli/hookrelay.ts",
  "server/src/cli/secrets.ts",
  "server/src/lib/key-file.ts",
  "dashboard/package.json",
  "dashboard/index.html",
  "dashboard/vite.config.ts",
  "README.md",
];

/**
 * Walks the working tree as Docker does. A directory the rules exclude is not entered, which is
 * only sound while no `!` rule re-includes something below it (asserted in the test).
 */
function context(dir = ROOT, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (ig.ignores(path)) continue;
    if (entry.isDirectory()) out.push(...context(join(dir, entry.name), path));
    else out.push(path);
  }
  return out;
}

describe(".dockerignore", () => {
  it("excludes data, keys, databases, env files, installed and built files", () => {
    const sent = SENSITIVE.filter((p) => !ig.ignores(p));
    expect(sent).toEqual([]);
  });

  it("keeps every file the build stage needs", () => {
    const dropped = NEEDED.filter((p) => ig.ignores(p));
    expect(dropped).toEqual([]);
  });

  it("sends nothing sensitive from this working tree", () => {
    expect(rules.split("\n").some((l) => l.trim().startsWith("!"))).toBe(false);
    const files = context();
    expect(files).toContain("server/src/main.ts");
    const leaks = files.filter((f) => /(^|\/)(data|node_modules|dist|\.git)\/|\.(db|key|pem|sqlite3?|tgz)$|(^|\/)\.env/.test(f));
    expect(leaks).toEqual([]);
  });
});

describe("the published package.json", () => {
  const read = (p: string) => JSON.parse(readFileSync(join(ROOT, p), "utf8")) as Record<string, Record<string, string> | undefined>;

  it("declares every runtime dependency of the server with the same range (it is what npm installs)", () => {
    const root = read("package.json").dependencies ?? {};
    const server = read("server/package.json").dependencies ?? {};
    const differing = Object.entries(server).filter(([name, range]) => root[name] !== range);
    expect(differing).toEqual([]);
  });
});
