import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Builds the dashboard before the browser suites start, so they never test a stale
 * `dashboard/dist` (the server itself runs from source; see support/server.ts). A failed build
 * fails the suite instead of testing what an earlier build left.
 */
export default function buildDashboard(): void {
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  // vitest sets NODE_ENV=test, which would make the React plugin emit a development bundle
  // (jsxDEV, source paths); the suites test the production build users get.
  const result = spawnSync("npx", ["vite", "build", "--logLevel", "error"], {
    cwd,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
}
