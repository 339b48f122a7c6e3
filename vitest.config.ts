import { configDefaults, defineConfig } from "vitest/config";

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
          exclude: [...configDefaults.exclude, "server/test/e2e/postgres-*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
        },
      },
      {
        // The PostgreSQL proofs run several server processes under load, and one stops the
        // PostgreSQL server itself: one file at a time, after the parallel suites, so they
        // neither starve nor break anything else. Skipped without TEST_POSTGRES_URL.
        test: {
          name: "server-postgres",
          include: ["server/test/e2e/postgres-*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
          fileParallelism: false,
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
