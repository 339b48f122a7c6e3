import { join } from "node:path";

import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { readKeyFile } from "../lib/key-file.js";
import { keyIdOf, Keyring } from "../lib/keyring.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { type Call, secretsTour } from "../test-support/secrets-tour.js";
import { migrate } from "./database.js";
import { migrationProvider } from "./migrations/index.js";
import { rekey, sealStatus } from "./rekey.js";
import { checkSealedColumns, SEALED_COLUMNS } from "./sealed-columns.js";

const A = "rekey-test-key-a-0123456789";
const B = "rekey-test-key-b-0123456789";

function caller(t: TestApp): Call {
  return async (method, url, body, headers = {}) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { ...t.auth, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
  };
}

/** Every sealed value in the store, opened with `open`, keyed by table, column and row. */
async function openedValues(t: TestApp, open: (v: string) => string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const spec of SEALED_COLUMNS) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const db = t.store.db as any;
    const rows = (await db
      .selectFrom(spec.table)
      .select([`${spec.key} as k`, `${spec.column} as v`])
      .execute()) as { k: string; v: string }[];
    for (const row of rows) {
      let i = 0;
      spec.map(row.v, (v) => {
        values.set(`${spec.table}.${spec.column}.${row.k}.${i++}`, open(v));
        return v;
      });
    }
  }
  return values;
}

/** The raw sealed values, to check which key sealed them. */
async function rawValues(t: TestApp): Promise<string[]> {
  const raw: string[] = [];
  for (const spec of SEALED_COLUMNS) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const rows = (await (t.store.db as any)
      .selectFrom(spec.table)
      .select(`${spec.column} as v`)
      .execute()) as { v: string }[];
    for (const row of rows) spec.map(row.v, (v) => (raw.push(v), v));
  }
  return raw;
}

describeEachStore("secrets rekey on %s", (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("re-seals everything under the new key (old key as previous); the old key alone then fails loudly", async () => {
    t = await startTestApp({ secretKey: A }, kind);
    await secretsTour(caller(t));
    const before = await openedValues(t, (v) => t!.keyring.open(v));
    expect(before.size).toBeGreaterThan(15);

    const ring = Keyring.of({ current: B, previous: [A] });
    expect(Object.values(await sealStatus(t.store.db, ring)).reduce((a, b) => a + b)).toBeGreaterThan(0);
    const report = await rekey(t.store.db, { keyring: ring, settleMs: 0, batchSize: 3 });
    expect(report.keyId).toBe(keyIdOf(B));
    expect(report.remaining).toBe(0);
    expect(Object.values(await sealStatus(t.store.db, ring)).every((n) => n === 0)).toBe(true);
    for (const value of await rawValues(t)) expect(value.startsWith(`enc:v2:${keyIdOf(B)}:`)).toBe(true);

    // Readable with the new key alone, unchanged.
    const onlyB = Keyring.of({ current: B, previous: [] });
    expect(await openedValues(t, (v) => onlyB.open(v))).toEqual(before);
    // The old key alone opens nothing now, and says so rather than returning garbage.
    const onlyA = Keyring.of({ current: A, previous: [] });
    await expect(checkSealedColumns(t.store.db, (v) => onlyA.open(v))).rejects.toThrow(
      new RegExp(
        `cannot open endpoints.secret: a value is sealed under key ${keyIdOf(B)}, which is not configured`,
      ),
    );
  });

  // The default key file is SQLite's; on PostgreSQL the walk is the one tested above, so this
  // case exists on SQLite only (registered, not skipped: a skip would read as a missing suite).
  (kind === "sqlite" ? it : () => undefined)(
    "with the key file: writes a new key, re-seals under it, removes the old one, and the running app follows",
    async () => {
      t = await startTestApp({}, kind);
      const file = join(t.config.dataDir, "secret.key");
      const oldKey = readKeyFile(file).current;
      const call = caller(t);
      await secretsTour(call);
      const before = await openedValues(t, (v) => t!.keyring.open(v));

      const report = await rekey(t.store.db, { keyring: t.keyring, keyFile: file, settleMs: 1_100 });
      const keys = readKeyFile(file);
      expect(keys.current).not.toBe(oldKey);
      expect(keys.previous).toEqual([]);
      expect(report.removed).toEqual([keyIdOf(oldKey)]);
      expect(report.keyId).toBe(keyIdOf(keys.current));
      for (const value of await rawValues(t)) expect(value.startsWith(`enc:v2:${report.keyId}:`)).toBe(true);

      // The app's keyring (as a running server's) reads the new file: it opens and seals under the new key.
      expect(await openedValues(t, (v) => t!.keyring.open(v))).toEqual(before);
      expect(t.keyring.currentId).toBe(report.keyId);
      const app = (await call("POST", "/api/v1/app", { name: "after" })).body;
      const ep = (
        await call("POST", `/api/v1/app/${app.id as string}/endpoint`, { url: "https://example.com/x" })
      ).body;
      const row = await t.store.db
        .selectFrom("endpoints")
        .select("secret")
        .where("id", "=", ep.id as string)
        .executeTakeFirstOrThrow();
      expect(row.secret.startsWith(`enc:v2:${report.keyId}:`)).toBe(true);
    },
  );

  it("migration 0005 seals rows written in plaintext by earlier versions, and refuses without a key", async () => {
    t = await startTestApp({ secretKey: A }, kind);
    const app = (await caller(t)("POST", "/api/v1/app", { name: "legacy" })).body;
    const now = Date.now();
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const old = [{ key: "whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0LTEyMzQ1", expiresAt: now + 60_000 }];
    const headers = { Authorization: "Bearer legacy-header-credential" };
    const config = { secret: "legacy-careem-secret" };
    await t.store.db
      .insertInto("endpoints")
      .values({
        id: "ep_legacy",
        app_id: app.id as string,
        uid: null,
        url: "https://example.com",
        description: "",
        disabled: 0,
        event_types: null,
        channels: null,
        metadata: "{}",
        throttle_rate: null,
        secret,
        old_secrets: JSON.stringify(old),
        headers: JSON.stringify(headers),
        first_failure_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t.store.db
      .insertInto("sources")
      .values({
        id: "src_legacy",
        app_id: app.id as string,
        uid: null,
        name: "c",
        provider: "careem",
        platform: null,
        config: JSON.stringify(config),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t.store.db
      .insertInto("idempotency_keys")
      .values({
        key: "legacy",
        status_code: 201,
        body: '{"token":"legacy-token"}',
        created_at: now,
        expires_at: now + 60_000,
      })
      .execute();
    // Back to the schema before 0005 (its down opens what is sealed; the rows above are plain).
    const schema =
      kind === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(t.store.db)).rows[0]?.s : undefined;
    const migrator = new Migrator({ db: t.store.db, provider: migrationProvider(t.keyring), migrationTableSchema: schema });
    expect((await migrator.migrateTo("0004-api-keys")).error).toBeUndefined();

    await expect(migrate(t.store.db)).rejects.toThrow(/without a data key/);
    await migrate(t.store.db, t.keyring);

    const ep = await t.store.db
      .selectFrom("endpoints")
      .selectAll()
      .where("id", "=", "ep_legacy")
      .executeTakeFirstOrThrow();
    expect(ep.secret.startsWith(`enc:v2:${t.keyring.currentId}:`)).toBe(true);
    expect(t.keyring.open(ep.secret)).toBe(secret);
    const oldAfter = JSON.parse(ep.old_secrets) as { key: string; expiresAt: number }[];
    expect(oldAfter.map((o) => ({ ...o, key: t!.keyring.open(o.key) }))).toEqual(old);
    expect(ep.old_secrets).not.toContain(old[0]!.key);
    expect(JSON.parse(t.keyring.open(ep.headers))).toEqual(headers);
    expect(ep.headers).not.toContain("legacy-header-credential");
    const src = await t.store.db
      .selectFrom("sources")
      .select("config")
      .where("id", "=", "src_legacy")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(t.keyring.open(src.config))).toEqual(config);
    const idem = await t.store.db
      .selectFrom("idempotency_keys")
      .select("body")
      .where("key", "=", "legacy")
      .executeTakeFirstOrThrow();
    expect(idem.body).not.toContain("legacy-token");
    expect(t.keyring.open(idem.body)).toBe('{"token":"legacy-token"}');
  });
});
