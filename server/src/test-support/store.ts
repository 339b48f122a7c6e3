import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach } from "vitest";

import { newId } from "../lib/ids.js";
import { openStore, type Store, type StoreOptions } from "../store/database.js";
import type { DeliveryRow, EndpointRow, MessageRow } from "../store/schema.js";
import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "./postgres.js";

export interface TestStore {
  store: Store;
  /** The PostgreSQL schema's URL (search_path set), when kind is postgres. */
  url: string | undefined;
  close(): Promise<void>;
}

/**
 * A migrated store with nothing in it: SQLite in a fresh temporary directory, or a fresh schema
 * on TEST_POSTGRES_URL. For repository tests that need no API.
 *
 * @example const t = await openTestStore("postgres"); … await t.close();
 */
export async function openTestStore(
  kind: "sqlite" | "postgres",
  options: Partial<StoreOptions> = {},
): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-store-"));
  let schema: PgSchema | undefined;
  if (kind === "postgres") {
    if (!TEST_POSTGRES_URL) throw new Error("TEST_POSTGRES_URL is not set");
    schema = await createPgSchema(TEST_POSTGRES_URL);
  }
  const store = await openStore({ dataDir, databaseUrl: schema?.url, ...options });
  return {
    store,
    url: schema?.url,
    close: async () => {
      await store.close();
      await schema?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh store (and a {@link Seed} on it) for every test of the calling `describe`, closed
 * after each. Read the fields inside tests, not at definition time.
 *
 * @example const t = storePerTest("sqlite"); it("…", async () => { await t.seed.app(); });
 */
export function storePerTest(kind: "sqlite" | "postgres"): { readonly store: Store; readonly seed: Seed } {
  let current: { store: Store; seed: Seed; close(): Promise<void> } | undefined;
  beforeEach(async () => {
    const t = await openTestStore(kind);
    current = { store: t.store, seed: new Seed(t.store), close: t.close };
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const get = () => {
    if (!current) throw new Error("storePerTest: read the store inside a test");
    return current;
  };
  return {
    get store() {
      return get().store;
    },
    get seed() {
      return get().seed;
    },
  };
}

/** Rows written straight to the tables, for tests that start below the API. */
export class Seed {
  constructor(private readonly store: Pick<Store, "db">) {}

  async app(at = Date.now()): Promise<string> {
    const id = newId("app");
    await this.store.db
      .insertInto("applications")
      .values({
        id,
        uid: null,
        name: "Test",
        metadata: "{}",
        throttle_rate: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return id;
  }

  async endpoint(appId: string, values: Partial<EndpointRow> = {}): Promise<string> {
    const at = Date.now();
    const id = newId("ep");
    await this.store.db
      .insertInto("endpoints")
      .values({
        id,
        app_id: appId,
        uid: null,
        url: "http://127.0.0.1:9/",
        description: "",
        disabled: 0,
        event_types: null,
        channels: null,
        metadata: "{}",
        throttle_rate: null,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        old_secrets: "[]",
        headers: "{}",
        first_failure_at: null,
        created_at: at,
        updated_at: at,
        ...values,
      })
      .execute();
    return id;
  }

  /** A committed message not yet expanded into deliveries (ADR 0022); returns its id. */
  async message(appId: string, values: Partial<MessageRow> = {}): Promise<string> {
    const at = Date.now();
    const id = values.id ?? newId("msg");
    await this.store.db
      .insertInto("messages")
      .values({
        id,
        app_id: appId,
        event_type: "test.event",
        event_id: null,
        payload: '{"n":1}',
        channels: null,
        tags: null,
        deliver_at: null,
        created_at: at,
        expires_at: at + 90 * 86_400_000,
        ...values,
      })
      .execute();
    return id;
  }

  /** A message and its delivery to `endpointId`; returns both ids. */
  async delivery(
    appId: string,
    endpointId: string,
    values: { message?: Partial<MessageRow>; delivery?: Partial<DeliveryRow> } = {},
  ): Promise<{ id: string; msgId: string }> {
    const at = Date.now();
    // Its delivery is written here, as the worker's expansion would (ADR 0022).
    const msgId = await this.message(appId, { created_at: at, expanded_at: at, ...values.message });
    const id = values.delivery?.id ?? newId("dlv");
    await this.store.db
      .insertInto("deliveries")
      .values({
        id,
        msg_id: msgId,
        app_id: appId,
        endpoint_id: endpointId,
        status: 1,
        attempt_count: 0,
        due_at: at,
        lease_owner: null,
        last_attempt_at: null,
        last_status_code: null,
        next_trigger: 0,
        created_at: at,
        updated_at: at,
        ...values.delivery,
      })
      .execute();
    return { id, msgId };
  }
}
