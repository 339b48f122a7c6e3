import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AuditRepository } from "../store/audit-repository.js";
import { openStore } from "../store/database.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "server/src/cli/hookrelay.ts");

/** `hookrelay …` from source, on a SQLite data directory; resolves with exit code and output. */
async function hookrelay(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", HOOKRELAY_DATA_DIR: dataDir },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

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
