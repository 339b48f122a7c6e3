import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { needlesOf, scanFiles, scanRows } from "../test-support/secret-scan.js";
import { type Call, secretsTour } from "../test-support/secrets-tour.js";

/**
 * Findings 3 and 4 of the Trust review: no secret or token is stored in plaintext, with no key
 * configured (SQLite makes its own) and on PostgreSQL. Set TEST_POSTGRES_URL to include it.
 */
describeEachStore("secrets at rest on %s", (kind) => {
  let t: TestApp;
  const call =
    (auth: Record<string, string>): Call =>
    async (method, url, body, headers = {}) => {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...auth, ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
    };

  beforeAll(async () => {
    // No HOOKRELAY_SECRET_KEY: the default (the harness gives PostgreSQL a key, as it must have).
    t = await startTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("a token created with an Idempotency-Key is stored sealed, and replayed only to the token that asked", async () => {
    const key = { "idempotency-key": "create-token-once" };
    const first = await call(t.auth)("POST", "/api/v1/token", { name: "replayed" }, key);
    expect(first.status).toBe(201);
    const token = first.body.token as string;

    const rows = await t.store.db.selectFrom("idempotency_keys").select("body").execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.body.startsWith("enc:v2:")).toBe(true);
      expect(row.body).not.toContain(token);
    }

    // The same caller retrying gets its token back (from the sealed record, opened in memory).
    const again = await call(t.auth)("POST", "/api/v1/token", { name: "replayed" }, key);
    expect(again.body.token).toBe(token);

    // Another token sending the same key is a new request: it never sees the first token.
    const other = await call({ authorization: `Bearer ${token}` })(
      "POST",
      "/api/v1/token",
      { name: "other" },
      key,
    );
    expect(other.status).toBe(201);
    expect(other.body.token).not.toBe(token);
  });

  it("after a tour of every secret-bearing request, no secret or token is in any row", async () => {
    const secrets = await secretsTour(call(t.auth));
    secrets.push({ label: "admin token", value: t.token });
    const needles = secrets.flatMap((s) => needlesOf(s.label, s.value));
    const { hits, rows } = await scanRows(t.store.db, needles);
    expect(rows).toBeGreaterThan(10);
    expect(hits).toEqual([]);

    // The endpoint's own reads still open them.
    const sealed = await t.store.db
      .selectFrom("endpoints")
      .select(["secret", "old_secrets", "headers"])
      .execute();
    for (const row of sealed) {
      expect(row.secret.startsWith(`enc:v2:${t.keyring.currentId}:`)).toBe(true);
      expect(row.headers.startsWith("enc:v2:")).toBe(true);
    }
    if (kind === "sqlite") {
      await t.services.drain();
      const files = scanFiles(t.config.dataDir, needles);
      expect(files.files).toContain("hookrelay.db");
      expect(files.hits).toEqual([]);
    }
  });
});
