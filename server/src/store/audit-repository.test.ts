import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, expect, it } from "vitest";

import { AuditLog } from "../services/audit-log.js";
import { type Actor, CLI_ACTOR } from "../services/principal.js";
import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, type TestStore } from "../test-support/store.js";
import { RetentionJob } from "../worker/retention.js";
import { auditRowHash } from "./audit-chain.js";
import { AuditRepository } from "./audit-repository.js";
import { openStore } from "./database.js";

const DAY = 86_400_000;

describeEachStore("audit chain on %s", (kind) => {
  let t: TestStore;
  let repo: AuditRepository;
  let log: AuditLog;

  beforeEach(async () => {
    t = await openTestStore(kind);
    repo = new AuditRepository(t.store.db);
    log = new AuditLog(t.store.db, repo);
  });
  afterEach(() => t.close());

  /** One audited change: an application row and its audit row, committed together. */
  async function change(n: number, on: AuditLog = log, actor: Actor = CLI_ACTOR): Promise<void> {
    await on.run(
      actor,
      (trx) =>
        trx
          .insertInto("applications")
          .values({
            id: `app_${n}_${Math.random()}`,
            uid: null,
            name: `n${n}`,
            metadata: "{}",
            throttle_rate: null,
            created_at: 1,
            updated_at: 1,
          })
          .execute(),
      () => ({
        action: "application.create",
        appId: null,
        resourceId: `r${n}`,
        changes: { name: { before: null, after: `n${n}` } },
      }),
    );
  }

  it("chains every row to the one before and verifies", async () => {
    for (let i = 1; i <= 5; i++) await change(i);
    const rows = await t.store.db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe("0".repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(await repo.verify()).toEqual({ ok: true, checked: 5, fromSeq: 1, firstBroken: null });
  });

  it("names the row whose content was altered", async () => {
    for (let i = 1; i <= 5; i++) await change(i);
    await t.store.db
      .updateTable("audit_log")
      .set({ changes: '{"name":{"before":null,"after":"forged"}}' })
      .where("seq", "=", 3)
      .execute();
    const check = await repo.verify();
    expect(check.ok).toBe(false);
    expect(check.firstBroken).toMatchObject({ seq: 3, reason: expect.stringContaining("altered") });
  });

  it("names a row re-hashed after an edit: its successor no longer links to it", async () => {
    for (let i = 1; i <= 4; i++) await change(i);
    await t.store.db
      .updateTable("audit_log")
      .set({ actor_name: "someone else", hash: "f".repeat(64) })
      .where("seq", "=", 2)
      .execute();
    expect((await repo.verify()).firstBroken?.seq).toBe(2);
  });

  it("finds a deleted row, in the middle or at the end", async () => {
    for (let i = 1; i <= 4; i++) await change(i);
    await t.store.db.deleteFrom("audit_log").where("seq", "=", 4).execute();
    expect((await repo.verify()).firstBroken).toMatchObject({
      seq: 4,
      reason: expect.stringContaining("missing"),
    });
    await t.store.db.deleteFrom("audit_log").where("seq", "=", 2).execute();
    expect((await repo.verify()).firstBroken).toMatchObject({
      seq: 2,
      reason: expect.stringContaining("missing"),
    });
  });

  it("rolls the row back with a change that fails", async () => {
    await change(1);
    await expect(
      log.run(
        CLI_ACTOR,
        async (trx) => {
          await trx
            .insertInto("applications")
            .values({
              id: "app_x",
              uid: "u",
              name: "x",
              metadata: "{}",
              throttle_rate: null,
              created_at: 1,
              updated_at: 1,
            })
            .execute();
          throw new Error("refused");
        },
        () => ({ action: "application.create", appId: null, resourceId: "x", changes: {} }),
      ),
    ).rejects.toThrow("refused");
    expect(
      await t.store.db.selectFrom("applications").select("id").where("id", "=", "app_x").execute(),
    ).toEqual([]);
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 1 });
    await change(2);
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it("keeps one chain with concurrent writers (two instances on PostgreSQL)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-audit-"));
    const second = kind === "postgres" ? await openStore({ dataDir: dir, databaseUrl: t.url }) : t.store;
    const other = new AuditLog(second.db, new AuditRepository(second.db));
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => change(i, i % 2 === 0 ? log : other)));
    } finally {
      if (second !== t.store) await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const seqs = (await t.store.db.selectFrom("audit_log").select("seq").orderBy("seq").execute()).map((r) =>
      Number(r.seq),
    );
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await repo.verify()).toEqual({ ok: true, checked: 40, fromSeq: 1, firstBroken: null });
  });

  it("retention cuts a prefix, records a checkpoint, and the rest still verifies", async () => {
    const old = Date.now() - 400 * DAY;
    for (let i = 1; i <= 5; i++) await change(i);
    // Rows 1–3 are old. Back-dating changes their content, so re-chain them as if written then.
    await rechainWithTimes([old, old, old]);
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 5 });

    const job = new RetentionJob({
      store: t.store,
      config: {
        retentionDays: 90,
        retentionIntervalSeconds: 300,
        retentionBatchSize: 2,
        retentionPauseMs: 1,
        auditRetentionDays: 365,
      },
    });
    expect((await job.runOnce()).auditRows).toBe(3);
    expect(
      (await t.store.db.selectFrom("audit_log").select("seq").orderBy("seq").execute()).map((r) =>
        Number(r.seq),
      ),
    ).toEqual([4, 5]);
    expect(
      (await t.store.db.selectFrom("audit_checkpoints").select("seq").orderBy("seq").execute()).map((r) =>
        Number(r.seq),
      ),
    ).toEqual([2, 3]);
    expect(await repo.verify()).toEqual({ ok: true, checked: 2, fromSeq: 4, firstBroken: null });

    await change(6);
    expect(await repo.verify()).toMatchObject({ ok: true, checked: 3, fromSeq: 4 });
    // Deleting the first kept row is still seen: the checkpoint names its place.
    await t.store.db.deleteFrom("audit_log").where("seq", "=", 4).execute();
    expect((await repo.verify()).firstBroken).toMatchObject({ seq: 4 });
  });

  /** Sets `at` of the first rows and recomputes every hash and link, as if written at those times. */
  async function rechainWithTimes(times: number[]): Promise<void> {
    const rows = await t.store.db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
    let prev = "0".repeat(64);
    for (const [i, row] of rows.entries()) {
      const unhashed = { ...row, seq: Number(row.seq), at: times[i] ?? Number(row.at), prev_hash: prev };
      const { hash: _old, ...content } = unhashed;
      const hash = auditRowHash(content);
      await t.store.db
        .updateTable("audit_log")
        .set({ at: unhashed.at, prev_hash: prev, hash })
        .where("seq", "=", row.seq)
        .execute();
      prev = hash;
    }
    await t.store.db.updateTable("audit_chain").set({ hash: prev }).where("id", "=", 1).execute();
  }
});
