import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests: each file starts a real Hookrelay server (serving dashboard/dist)
 * and drives Debian's chromium through playwright-core.
 *
 *   npm run build -w dashboard && npm run e2e -w dashboard
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    name: "browser",
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
