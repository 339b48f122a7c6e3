import { afterEach, beforeEach, expect, it } from "vitest";

import { newId } from "../lib/ids.js";
import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, Seed, type TestStore } from "../test-support/store.js";
import { RetentionJob } from "./retention.js";

const DAY = 86_400_000;

describeEachStore("RetentionJob on %s", (kind) => {
  let t: TestStore;
  let seed: Seed;

  beforeEach(async () => {
    t = await openTestStore(kind);
    seed = new Seed(t.store);
  });
  afterEach(() => t.close());

  const config = {
    retentionDays: 30,
    retentionIntervalSeconds: 300,
    retentionBatchSize: 2,
    retentionPauseMs: 1,
    auditRetentionDays: 365,
  };

  async function oldData(): Promise<void> {
    const now = Date.now();
    const app = await seed.app();
    const ep = await seed.endpoint(app);
    const d = await seed.delivery(app, ep, { message: { expires_at: now - 1 } });
    await seed.delivery(app, ep, { message: { expires_at: now - 1 } });
    await seed.delivery(app, ep, { message: { expires_at: now + DAY } });
    for (let i = 0; i < 5; i++) {
      await t.store.db
        .insertInto("attempts")
        .values({
          id: newId("atmpt"),
          delivery_id: d.id,
          msg_id: d.msgId,
          app_id: app,
          endpoint_id: ep,
          url: "http://127.0.0.1:9/",
          status: 0,
          response_status_code: 200,
          response: "",
          response_duration_ms: 1,
          trigger_type: 0,
          created_at: now - 31 * DAY - i,
        })
        .execute();
    }
    for (const key of ["k1", "k2", "k3"]) {
      await t.store.db
        .insertInto("idempotency_keys")
        .values({ key, status_code: 202, body: "{}", created_at: now - DAY, expires_at: now - 1 })
        .execute();
    }
  }

  it("works through every step in batches until nothing is left", async () => {
    await oldData();
    const job = new RetentionJob({ store: t.store, config });
    expect(await job.runOnce()).toEqual({
      payloads: 2,
      attempts: 5,
      deliveries: 0,
      idempotencyKeys: 3,
      inboundRequests: 0,
      auditRows: 0,
      errors: 0,
    });
    expect(await job.runOnce()).toEqual({
      payloads: 0,
      attempts: 0,
      deliveries: 0,
      idempotencyKeys: 0,
      inboundRequests: 0,
      auditRows: 0,
      errors: 0,
    });
    const payloads = await t.store.db
      .selectFrom("messages")
      .select("payload")
      .where("payload", "is not", null)
      .execute();
    expect(payloads).toHaveLength(1);
  });

  it("prunes the inbound request log past retentionDays, in batches", async () => {
    const now = Date.now();
    const app = await seed.app();
    const sourceId = newId("src");
    await t.store.db
      .insertInto("sources")
      .values({ id: sourceId, app_id: app, uid: null, name: "s", provider: "stripe", platform: null, config: "{}", created_at: now, updated_at: now })
      .execute();
    const receivedAt = [now - 31 * DAY, now - 31 * DAY + 1, now - 31 * DAY + 2, now - DAY];
    const ids = receivedAt.map(() => newId("req"));
    await t.store.db
      .insertInto("inbound_requests")
      .values(
        receivedAt.map((at, i) => ({
          id: ids[i]!,
          source_id: sourceId,
          app_id: app,
          provider: "stripe",
          status: "accepted" as const,
          reason: null,
          provider_event_type: null,
          event_id: null,
          dedupe_key: null,
          dedupe_until: null,
          msg_id: null,
          source_ip: "127.0.0.1",
          headers: "{}",
          body: "{}",
          body_encoding: "utf8",
          body_truncated: 0,
          size: 2,
          processing_ms: 1,
          received_at: at,
          retried_at: null,
        })),
      )
      .execute();
    const job = new RetentionJob({ store: t.store, config });
    expect((await job.runOnce()).inboundRequests).toBe(3);
    const left = await t.store.db.selectFrom("inbound_requests").select("id").execute();
    expect(left.map((r) => r.id)).toEqual([ids[3]]);
  });

  it("stops between batches when asked", async () => {
    await oldData();
    const job = new RetentionJob({ store: t.store, config: { ...config, retentionPauseMs: 60_000 } });
    const run = job.runOnce();
    // The first payload batch (2 rows, a full batch) is followed by a minute's pause; stop cuts it short.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await job.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await run).payloads).toBe(2);
  });

  it("reports a failing run instead of throwing, and runs again later", async () => {
    const broken = await openTestStore(kind);
    await broken.store.close();
    const job = new RetentionJob({ store: broken.store, config });
    const summary = await job.runOnce();
    expect(summary.errors).toBe(1);
    await broken.close().catch(() => undefined);
  });
});
