#!/usr/bin/env node
// `npm test`: the whole suite. Runs vitest once and ends with the plain summary line
// "N passed, N failed, N skipped" that CI reads.
//
// Every test is always collected: without PostgreSQL or Chromium their suites are registered
// and skipped, so the three numbers add up to the same total on every machine. Under CI=true
// (or HOOKRELAY_TEST_REQUIRE_ALL=1) both are required: if either is missing the run fails
// before any test starts, so a green CI always means every suite ran.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const required = process.env.CI === "true" || process.env.HOOKRELAY_TEST_REQUIRE_ALL === "1";

async function postgresProblem(url) {
  if (!url) return "DATABASE_URL is not set (set DATABASE_URL=postgres://… to run it)";
  if (!url.startsWith("postgres")) return `DATABASE_URL is not a postgres:// URL`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${redact(url)} is not reachable (${error instanceof Error ? error.message : error})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url) {
  return url.replace(/\/\/[^@]*@/, "//");
}

const env = { ...process.env };
const pgUrl = env.DATABASE_URL;
const pgProblem = await postgresProblem(pgUrl);
const browserProblem = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

if (pgProblem) {
  delete env.TEST_POSTGRES_URL;
  console.log(`PostgreSQL suite: SKIPPED: ${pgProblem}`);
} else {
  env.TEST_POSTGRES_URL = pgUrl;
  console.log(`PostgreSQL suite: running against ${redact(pgUrl)}`);
}
console.log(browserProblem ? `Browser suite: SKIPPED: ${browserProblem}` : `Browser suite: running (${CHROMIUM})`);

if (required && (pgProblem || browserProblem)) {
  console.log("Under CI the PostgreSQL and browser suites are required; not running a partial suite.");
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(1);
}
// Unit and SQLite tests must not pick the server's own DATABASE_URL up by accident.
delete env.DATABASE_URL;

const dir = mkdtempSync(join(tmpdir(), "hookrelay-vitest-"));
const report = join(dir, "report.json");
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const warnings = [];
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + (json.numTodoTests ?? 0);
  for (const file of json.testResults ?? []) {
    const results = file.assertionResults ?? [];
    // A file that failed before any test ran (import or setup error) counts as one failure.
    if (file.status === "failed" && !results.some((a) => a.status === "failed")) failed++;
    // The outage proof stops the local cluster; it skips itself when it cannot, and says so here.
    if (/postgres-outage\.test\.ts$/.test(file.name) && results.some((a) => a.status !== "passed" && a.status !== "failed")) {
      warnings.push("warning: the PostgreSQL outage proof (server/test/e2e/postgres-outage.test.ts) did not run");
    }
  }
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
if (pgProblem) warnings.push(`warning: the PostgreSQL suite was skipped: ${pgProblem}`);
if (browserProblem) warnings.push(`warning: the browser suite was skipped: ${browserProblem}`);
for (const line of warnings) console.log(line);
console.log(`suite wall time: ${Math.round((Date.now() - started) / 1000)} s`);
const code = result.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code);
