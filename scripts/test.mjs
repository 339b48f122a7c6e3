#!/usr/bin/env node
// `npm test`: the whole suite. Runs vitest once and ends with the plain summary line
// "N passed, N failed[, N skipped]" that CI reads. The PostgreSQL suite runs when
// DATABASE_URL points at a reachable PostgreSQL; otherwise it is skipped, and this says so.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

async function postgresReachable(url) {
  if (!url || !url.startsWith("postgres")) return false;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const env = { ...process.env };
const pgUrl = env.DATABASE_URL;
const pgUp = await postgresReachable(pgUrl);
if (pgUp) {
  env.TEST_POSTGRES_URL = pgUrl;
  console.log(`PostgreSQL suite: running against ${pgUrl.replace(/\/\/[^@]*@/, "//")}`);
} else {
  delete env.TEST_POSTGRES_URL;
  console.log(
    pgUrl
      ? `PostgreSQL suite: SKIPPED (DATABASE_URL is set but PostgreSQL is not reachable)`
      : "PostgreSQL suite: SKIPPED (set DATABASE_URL=postgres://… to run it)",
  );
}
// Unit and SQLite tests must not pick the server's own DATABASE_URL up by accident.
delete env.DATABASE_URL;

const dir = mkdtempSync(join(tmpdir(), "hookrelay-vitest-"));
const report = join(dir, "report.json");
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
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + (json.numTodoTests ?? 0);
  // A file that failed before any test ran (import or setup error) counts as one failure.
  for (const file of json.testResults ?? []) {
    if (file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed")) failed++;
  }
} catch {
  failed = Math.max(1, failed);
}
rmSync(dir, { recursive: true, force: true });
if (!pgUp) console.log("PostgreSQL suite was skipped: no reachable PostgreSQL.");
const code = result.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code);
