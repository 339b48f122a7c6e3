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
      // The API suites again, each app on a fresh PostgreSQL schema: the same behaviour on both
      // stores. Suites that loop over the stores themselves are not repeated here. Without
      // TEST_POSTGRES_URL the project is still collected, with a name pattern nothing matches, so
      // its tests count as skipped and the totals are the same with or without PostgreSQL.
      {
        test: {
          name: "server-on-postgres",
          include: [
            "server/src/http/routes/endpoints.test.ts",
            "server/src/http/routes/event-types.test.ts",
            "server/src/http/routes/sources.test.ts",
            "server/src/http/routes/ingest.test.ts",
            "server/src/http/routes/inbound-stats.test.ts",
            "server/test/e2e/bad-input.test.ts",
          ],
          env: { HOOKRELAY_TEST_STORE: "postgres" },
          ...(process.env.TEST_POSTGRES_URL ? {} : { testNamePattern: "^(?!)" }),
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks" as const,
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
