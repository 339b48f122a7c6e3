import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";

import { type Config, type ConfigInput, loadConfig } from "../config/config.js";
import { buildApp } from "../http/app.js";
import type { Keyring } from "../lib/keyring.js";
import { Wakeup } from "../lib/wakeup.js";
import { createServices, type ServiceExtras, type Services } from "../services/index.js";
import { CLI_ACTOR } from "../services/principal.js";
import { openConfiguredStore } from "../store/configured-store.js";
import type { Store } from "../store/database.js";
import { expandAll } from "./expand.js";
import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "./postgres.js";

/**
 * The store a test gets when it does not name one: SQLite, or PostgreSQL when the vitest project
 * "server-on-postgres" re-runs the API suites with HOOKRELAY_TEST_STORE=postgres.
 */
function defaultKind(): "sqlite" | "postgres" {
  return process.env.HOOKRELAY_TEST_STORE === "postgres" ? "postgres" : "sqlite";
}

/** The data key test apps on PostgreSQL seal with unless a test names one. Not a secret. */
export const TEST_DATA_KEY = "harness-test-data-key-not-a-secret";

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  store: Store;
  config: Config;
  wakeup: Wakeup;
  /** The data keyring the services seal with. */
  keyring: Keyring;
  /** The worker's fan-out step, run to the end: what a test without a worker calls before it looks at deliveries. */
  expand(): Promise<number>;
  /** An admin bearer token. */
  token: string;
  /** `{ authorization: "Bearer …" }` for app.inject. */
  auth: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real app on a real store — SQLite in a fresh temporary directory, or a fresh schema on
 * PostgreSQL with `kind: "postgres"` — driven with `app.inject()`. No worker runs unless the test
 * starts one. `extras` hands the services (and the app) metrics or a worker heartbeat.
 *
 * @example const t = await startTestApp(); const r = await t.app.inject({ url: "/api/v1/app", headers: t.auth });
 */
export async function startTestApp(
  overrides: ConfigInput = {},
  kind: "sqlite" | "postgres" = defaultKind(),
  extras: ServiceExtras = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-test-"));
  let pgSchema: PgSchema | undefined;
  if (kind === "postgres") {
    if (!TEST_POSTGRES_URL) throw new Error("TEST_POSTGRES_URL is not set");
    pgSchema = await createPgSchema(TEST_POSTGRES_URL);
  }
  const config = loadConfig(
    {},
    {
      dataDir,
      logLevel: "silent",
      databaseUrl: pgSchema?.url,
      // PostgreSQL refuses to start without a shared data key; SQLite makes its key file.
      ...(kind === "postgres" ? { secretKey: TEST_DATA_KEY } : {}),
      ...overrides,
    },
  );
  // Opened as the server opens it: private data directory, data key, migrations, key check.
  const { store, keyring } = await openConfiguredStore(config, () => undefined);
  const wakeup = new Wakeup();
  const services = createServices(store, config, wakeup, keyring, extras);
  const created = await services.tokens.create(CLI_ACTOR, { name: "test-admin" });
  const app = await buildApp({ config, services, logger: false, metrics: extras.metrics });
  await app.ready();
  return {
    app,
    services,
    store,
    config,
    wakeup,
    keyring,
    expand: () => expandAll(store),
    token: created.token,
    auth: { authorization: `Bearer ${created.token}` },
    close: async () => {
      await app.close();
      await services.drain();
      await store.close();
      await pgSchema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Test apps opened on demand inside the tests of the calling `describe` (one test may need
 * several instances: an export's source and its restore target), all closed after each test.
 *
 * @example const apps = testAppsPerTest("sqlite"); it("…", async () => { const from = await apps.open(); });
 */
export function testAppsPerTest(kind: "sqlite" | "postgres", overrides: ConfigInput = {}): { open(): Promise<TestApp> } {
  const opened: TestApp[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.close();
  });
  return {
    open: async () => {
      const t = await startTestApp(overrides, kind);
      opened.push(t);
      return t;
    },
  };
}
