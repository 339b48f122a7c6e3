import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Builds the dashboard before the browser suites start, so they never test a stale
 * `dashboard/dist` (the server itself runs from source; see support/server.ts). A failed build
 * fails the suite instead of testing what an earlier build left.
 */
export default function buildDashboard(): void {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  const result = spawnSync("npx", ["vite", "build", "--logLevel", "error"], { cwd, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
}
