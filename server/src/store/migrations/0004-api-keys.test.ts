import { Migrator, sql } from "kysely";
import { afterEach, expect, it } from "vitest";

import { sha256Hex } from "../../lib/hash.js";
import { AuditLog } from "../../services/audit-log.js";
import { TokenUsage } from "../../services/token-usage.js";
import { TokenService } from "../../services/tokens.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { openTestStore, type TestStore } from "../../test-support/store.js";
import { AuditRepository } from "../audit-repository.js";
import { TokensRepository } from "../tokens-repository.js";
import { migrationProvider } from "./index.js";

describeEachStore("migration 0004: existing tokens become scoped keys (%s)", (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it("makes unscoped tokens admin keys, application tokens app keys, and portal links portal sessions", async () => {
    t = await openTestStore(kind);
    const db = t.store.db;
    const schema =
      kind === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
    const migrator = new Migrator({ db, provider: migrationProvider(undefined), migrationTableSchema: schema });
    const down = await migrator.migrateTo("0003-stats-counters");
    expect(down.error).toBeUndefined();

    const legacy = (id: string, name: string, appId: string | null) =>
      sql`insert into tokens (id, name, token_hash, app_id, expires_at, created_at, revoked_at)
          values (${id}, ${name}, ${sha256Hex(id)}, ${appId}, null, ${Date.now()}, null)`.execute(db);
    await legacy("tok_admin", "admin (first start)", null);
    await legacy("tok_crm", "crm", "app_1");
    await legacy("tok_portal", "portal app_1 (user_1)", "app_1");

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    const rows = await db.selectFrom("tokens").select(["id", "kind", "scopes", "read_only", "request_count"]).orderBy("id").execute();
    expect(rows.map((r) => ({ ...r, scopes: JSON.parse(r.scopes), request_count: Number(r.request_count) }))).toEqual([
      { id: "tok_admin", kind: "key", scopes: ["admin"], read_only: 0, request_count: 0 },
      { id: "tok_crm", kind: "key", scopes: ["app:read", "app:write", "message:create", "inbound:manage"], read_only: 0, request_count: 0 },
      { id: "tok_portal", kind: "portal", scopes: ["app:read", "app:write", "message:create", "inbound:manage"], read_only: 0, request_count: 0 },
    ]);

    const repo = new TokensRepository(db);
    const tokens = new TokenService(repo, new TokenUsage(repo, 1_000), new AuditLog(db, new AuditRepository(db)));
    expect(await tokens.authenticate("tok_admin")).toMatchObject({ tokenId: "tok_admin", scopes: ["admin"], appId: null });
    expect(await tokens.authenticate("tok_crm")).toMatchObject({ appId: "app_1", kind: "key" });
    expect(await tokens.hasAdminToken()).toBe(true);
  });
});
