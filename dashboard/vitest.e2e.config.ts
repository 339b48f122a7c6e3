import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests: each file starts a real Hookrelay server from source (serving
 * dashboard/dist, which the global setup builds first) and drives Debian's chromium through
 * playwright-core.
 *
 *   npm run e2e -w dashboard
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    name: "browser",
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
