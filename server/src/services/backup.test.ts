import { sql } from "kysely";
import { expect, it } from "vitest";

import { ed25519PublicKey } from "../lib/ed25519-keys.js";
import { sha256Hex } from "../lib/hash.js";
import { TEST_DATA_KEY, type TestApp, testAppsPerTest } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { BACKUP_VERSION } from "./backup.js";
import { CLI_ACTOR } from "./principal.js";

describeEachStore("configuration backup on %s", (kind) => {
  // Instances share a data key: a sealed backup opens only under the key that sealed it.
  const { open } = testAppsPerTest(kind, { secretKey: TEST_DATA_KEY });

  /** A column as a later migration would add it (a filter, a FIFO flag …). */
  const addColumn = (t: TestApp) => sql`alter table endpoints add column x_later text`.execute(t.store.db);

  it("carries a column added later with no change, and leaves the circuit breaker's state behind", async () => {
    const from = await open();
    await addColumn(from);
    await from.services.applications.create(CLI_ACTOR, { name: "Acme", uid: "acme" });
    const ep = await from.services.endpoints.create(CLI_ACTOR, "acme", { url: "https://example.com/hook", uid: "main" });
    await from.store.db
      .updateTable("endpoints")
      .set({ x_later: "kept", circuit_state: 1, consecutive_failures: 7, window_attempts: 9 } as never)
      .where("id", "=", ep.id)
      .execute();

    const doc = await from.services.backup.export({ omitSecrets: false });
    expect(doc.version).toBe(BACKUP_VERSION);
    expect(doc.tables.endpoints![0]).toMatchObject({ id: ep.id, x_later: "kept" });
    expect(doc.tables.endpoints![0]).not.toHaveProperty("consecutive_failures");

    const to = await open();
    await addColumn(to);
    const report = await to.services.backup.import(CLI_ACTOR, doc, { force: false });
    expect(report).toEqual({
      tables: { applications: 1, event_types: 0, endpoints: 1, endpoint_transformations: 0, sources: 0, ingest_sources: 0 },
      secrets: "sealed",
      notes: [],
    });
    const row = (await to.store.db.selectFrom("endpoints").selectAll().where("id", "=", ep.id).executeTakeFirstOrThrow()) as Record<string, unknown>;
    expect(row).toMatchObject({ x_later: "kept", circuit_state: 0, consecutive_failures: 0, window_attempts: 0 });
    expect((await to.services.endpoints.getSecret(CLI_ACTOR, "acme", "main")).key).toBe((await from.services.endpoints.getSecret(CLI_ACTOR, "acme", "main")).key);
    // One audit row for the whole import.
    const audit = await to.store.db.selectFrom("audit_log").select(["action", "changes"]).where("action", "=", "backup.import").execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.changes)).toMatchObject({ import: { after: { rows: { endpoints: 1 }, secrets: "sealed", force: false } } });

    // An instance without the column refuses, naming it, and writes nothing.
    const older = await open();
    await expect(older.services.backup.import(CLI_ACTOR, doc, { force: false })).rejects.toThrow(/endpoints has columns this database lacks \(x_later\)/);
    expect(await older.store.db.selectFrom("applications").selectAll().execute()).toEqual([]);
  });

  it("carries transformations and ingest sources; --omit-secrets makes an ed25519 endpoint a new key pair and an ingest source a new URL", async () => {
    const from = await open();
    await from.services.applications.create(CLI_ACTOR, { name: "Acme", uid: "acme" });
    await from.services.endpoints.create(CLI_ACTOR, "acme", { url: "https://example.com/hook", uid: "signed", signatureAlgorithm: "ed25519" } as never);
    const code = "function handler(w) { return w }";
    await from.services.transformations.patch(CLI_ACTOR, "acme", "signed", { code, enabled: true });
    const source = await from.services.ingestSources.create(CLI_ACTOR, { name: "Generic", type: "generic-webhook" } as never, "http://127.0.0.1");
    const oldPublic = (await from.services.endpoints.getSecret(CLI_ACTOR, "acme", "signed")).key;

    const sealed = await open();
    await sealed.services.backup.import(CLI_ACTOR, await from.services.backup.export({ omitSecrets: false }), { force: false });
    expect(await sealed.services.transformations.get(CLI_ACTOR, "acme", "signed")).toMatchObject({ code, enabled: true });
    expect((await sealed.services.ingestSources.get(CLI_ACTOR, source.id, "http://127.0.0.1")).ingestUrl).toBe(source.ingestUrl);

    const to = await open();
    const report = await to.services.backup.import(CLI_ACTOR, await from.services.backup.export({ omitSecrets: true }), { force: false });
    expect(report.notes.join("\n")).toMatch(/new ed25519 key pair[\s\S]*new ingest URL/);
    const row = await to.store.db.selectFrom("endpoints").selectAll().where("uid", "=", "signed").executeTakeFirstOrThrow();
    const secret = to.keyring.open(row.secret);
    expect(secret).toMatch(/^whsk_/);
    expect(row.public_key).toBe(ed25519PublicKey(secret));
    expect(row.public_key).not.toBe(oldPublic);
    const ingest = await to.store.db.selectFrom("ingest_sources").selectAll().executeTakeFirstOrThrow();
    expect(ingest.token_hash).toBe(sha256Hex(to.keyring.open(ingest.token)));
    const url = (await to.services.ingestSources.get(CLI_ACTOR, source.id, "http://127.0.0.1")).ingestUrl;
    expect(url).not.toBe(source.ingestUrl);
    expect(url).toBe(`http://127.0.0.1/ingest/in/${to.keyring.open(ingest.token)}`);
  });

  it("rolls back everything when one row fails, and refuses documents it cannot read", async () => {
    const from = await open();
    await from.services.applications.create(CLI_ACTOR, { name: "Acme", uid: "acme" });
    await from.services.endpoints.create(CLI_ACTOR, "acme", { url: "https://example.com/hook", uid: "main" });
    const doc = await from.services.backup.export({ omitSecrets: false });
    const to = await open();
    // An endpoint whose application is not in the backup: the foreign key fails the transaction.
    const broken = { ...doc, tables: { ...doc.tables, endpoints: doc.tables.endpoints!.map((e) => ({ ...e, app_id: "app_missing" })) } };
    await expect(to.services.backup.import(CLI_ACTOR, broken, { force: false })).rejects.toThrow();
    expect(await to.store.db.selectFrom("applications").selectAll().execute()).toEqual([]);
    expect(await to.store.db.selectFrom("audit_log").select("action").where("action", "=", "backup.import").execute()).toEqual([]);

    await expect(to.services.backup.import(CLI_ACTOR, { hello: 1 }, { force: false })).rejects.toThrow(/not a Hookrelay backup/);
    await expect(to.services.backup.import(CLI_ACTOR, { ...doc, version: 2 }, { force: false })).rejects.toThrow(/format version 2, written by a newer Hookrelay/);
    await expect(to.services.backup.import(CLI_ACTOR, { ...doc, tables: { ...doc.tables, widgets: [] } }, { force: false })).rejects.toThrow(/tables this version does not restore \(widgets\)/);
  });
});
