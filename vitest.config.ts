import { defineConfig } from "vitest/config";

/**
 * One `npm test` runs every project: the server (unit, SQLite, PostgreSQL when reachable,
 * end-to-end with real processes), the dashboard's unit tests, and the browser suites.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "server",
          include: ["server/src/**/*.test.ts", "server/test/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "dashboard",
          root: "dashboard",
          include: ["src/**/*.test.ts"],
        },
      },
      "dashboard/vitest.e2e.config.ts",
    ],
  },
});
