import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AuditRepository } from "../store/audit-repository.js";
import { openStore } from "../store/database.js";
import { hookrelay } from "../test-support/cli.js";


describe("hookrelay token and audit commands", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-cli-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("audits token changes as the command line, and `audit verify` names a tampered row", async () => {
    const created = await hookrelay(dataDir, "token", "create", "--name", "ops");
    expect(created.code).toBe(0);
    const id = created.out.match(/(tok_\w+)/)?.[1];
    expect(id).toBeDefined();
    expect((await hookrelay(dataDir, "token", "revoke", id!)).code).toBe(0);

    const intact = await hookrelay(dataDir, "audit", "verify");
    expect(intact).toMatchObject({ code: 0, out: expect.stringContaining("intact: 2 rows") });

    const store = await openStore({ dataDir });
    try {
      const rows = await new AuditRepository(store.db).list({}, { limit: 10 });
      expect(rows.data.map((r) => [r.action, r.actor_type, r.actor_id, r.resource_id])).toEqual([
        ["token.revoke", "cli", null, id],
        ["token.create", "cli", null, id],
      ]);
      await store.db.updateTable("audit_log").set({ ip: "203.0.113.9" }).where("seq", "=", 1).execute();
    } finally {
      await store.close();
    }
    const broken = await hookrelay(dataDir, "audit", "verify");
    expect(broken.code).toBe(2);
    expect(broken.out).toContain("broken at row 1");
  });
});
