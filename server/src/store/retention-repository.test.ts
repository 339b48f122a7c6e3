import { afterEach, beforeEach, expect, it } from "vitest";

import { idAt, newId } from "../lib/ids.js";
import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, Seed, type TestStore } from "../test-support/store.js";
import { InboundRequestsRepository } from "./inbound-requests-repository.js";
import { RetentionRepository } from "./retention-repository.js";
import { DeliveryStatus, type InboundRequestRow } from "./schema.js";
import { SourcesRepository } from "./sources-repository.js";

const DAY = 86_400_000;

describeEachStore("RetentionRepository on %s", (kind) => {
  let t: TestStore;
  let seed: Seed;
  let repo: RetentionRepository;
  let appId: string;
  let endpointId: string;
  const now = Date.now();
  const old = now - 100 * DAY;
  const cutoff = now - 90 * DAY;

  beforeEach(async () => {
    t = await openTestStore(kind);
    seed = new Seed(t.store);
    repo = new RetentionRepository(t.store);
    appId = await seed.app();
    endpointId = await seed.endpoint(appId);
  });
  afterEach(() => t.close());

  /** A delivery created (and with an id from) `at`, in the given state. */
  async function deliveryAt(
    at: number,
    status: number,
    values: { dueAt?: number | null; updatedAt?: number } = {},
  ) {
    return seed.delivery(appId, endpointId, {
      message: {
        id: idAt("msg", new Date(at)).slice(0, -4) + newId("msg").slice(-4),
        created_at: at,
        expires_at: at + DAY,
      },
      delivery: {
        id: idAt("dlv", new Date(at)).slice(0, -4) + newId("dlv").slice(-4),
        status,
        due_at: values.dueAt ?? null,
        created_at: at,
        updated_at: values.updatedAt ?? at,
      },
    });
  }

  async function attemptAt(deliveryId: string, msgId: string, at: number): Promise<string> {
    const id = newId("atmpt");
    await t.store.db
      .insertInto("attempts")
      .values({
        id,
        delivery_id: deliveryId,
        msg_id: msgId,
        app_id: appId,
        endpoint_id: endpointId,
        url: "http://127.0.0.1:9/",
        status: 0,
        response_status_code: 200,
        response: "ok",
        response_duration_ms: 3,
        trigger_type: 0,
        created_at: at,
      })
      .execute();
    return id;
  }

  const count = async (table: "attempts" | "deliveries" | "idempotency_keys") =>
    Number(
      (
        await t.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("deletes attempts older than the cutoff, a batch at a time", async () => {
    const d = await deliveryAt(old, DeliveryStatus.success);
    for (let i = 0; i < 5; i++) await attemptAt(d.id, d.msgId, old + i);
    const recent = await attemptAt(d.id, d.msgId, now - DAY);
    expect(await repo.deleteAttempts(cutoff, 3)).toBe(3);
    expect(await repo.deleteAttempts(cutoff, 3)).toBe(2);
    expect(await repo.deleteAttempts(cutoff, 3)).toBe(0);
    const left = await t.store.db.selectFrom("attempts").select("id").execute();
    expect(left.map((r) => r.id)).toEqual([recent]);
  });

  it("deletes only finished deliveries untouched since the cutoff", async () => {
    const succeeded = await deliveryAt(old, DeliveryStatus.success);
    const failed = await deliveryAt(old + 1, DeliveryStatus.fail);
    // Still retrying, leased, recently resent, or simply recent: all kept.
    const pending = await deliveryAt(old + 2, DeliveryStatus.pending, { dueAt: now });
    const sending = await deliveryAt(old + 3, DeliveryStatus.sending, { dueAt: now });
    const resent = await deliveryAt(old + 4, DeliveryStatus.success, { updatedAt: now - DAY });
    const recent = await deliveryAt(now - DAY, DeliveryStatus.success);
    expect(await repo.deleteFinishedDeliveries(cutoff, 1)).toBe(1);
    expect(await repo.deleteFinishedDeliveries(cutoff, 10)).toBe(1);
    expect(await repo.deleteFinishedDeliveries(cutoff, 10)).toBe(0);
    const left = (await t.store.db.selectFrom("deliveries").select("id").execute()).map((r) => r.id).sort();
    expect(left).toEqual([pending.id, sending.id, resent.id, recent.id].sort());
    expect(left).not.toContain(succeeded.id);
    expect(left).not.toContain(failed.id);
    // The messages themselves stay.
    const messages = await t.store.db
      .selectFrom("messages")
      .select("id")
      .where("id", "=", succeeded.msgId)
      .execute();
    expect(messages).toHaveLength(1);
  });

  it("nulls payloads past expires_at and never looks at them again", async () => {
    const expired = await seed.delivery(appId, endpointId, { message: { expires_at: now - 1 } });
    const expired2 = await seed.delivery(appId, endpointId, { message: { expires_at: now - 2 } });
    const live = await seed.delivery(appId, endpointId, { message: { expires_at: now + DAY } });
    expect(await repo.expirePayloads(now, 1)).toBe(1);
    expect(await repo.expirePayloads(now, 10)).toBe(1);
    expect(await repo.expirePayloads(now, 10)).toBe(0);
    const rows = await t.store.db.selectFrom("messages").select(["id", "payload"]).execute();
    const payload = new Map(rows.map((r) => [r.id, r.payload]));
    expect(payload.get(expired.msgId)).toBeNull();
    expect(payload.get(expired2.msgId)).toBeNull();
    expect(payload.get(live.msgId)).toBe('{"n":1}');
  });

  it("purges expired idempotency keys only", async () => {
    for (const [key, expires] of [
      ["a", now - 10],
      ["b", now - 5],
      ["c", now + DAY],
    ] as const) {
      await t.store.db
        .insertInto("idempotency_keys")
        .values({ key, status_code: 202, body: "{}", created_at: now - DAY, expires_at: expires })
        .execute();
    }
    expect(await repo.deleteExpiredIdempotencyKeys(now, 1)).toBe(1);
    expect(await repo.deleteExpiredIdempotencyKeys(now, 10)).toBe(1);
    expect(await count("idempotency_keys")).toBe(1);
  });

  /** A logged inbound request received at `receivedAt`. */
  function inboundRequest(sourceId: string, receivedAt: number): InboundRequestRow {
    return {
      id: newId("req"),
      source_id: sourceId,
      app_id: appId,
      provider: "stripe",
      status: "accepted",
      reason: null,
      provider_event_type: "invoice.paid",
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
      received_at: receivedAt,
      retried_at: null,
    };
  }

  it("prunes inbound requests older than a time, a bounded number per call", async () => {
    const sourceId = newId("src");
    await new SourcesRepository(t.store.db).insert({
      id: sourceId,
      app_id: appId,
      uid: null,
      name: "s",
      provider: "stripe",
      platform: null,
      config: "{}",
      created_at: now,
      updated_at: now,
    });
    const requests = new InboundRequestsRepository(t.store);
    await requests.insertBatch([1, 2, 3, 1_000_000_000].map((n) => inboundRequest(sourceId, n)));
    expect(await repo.deleteInboundRequests(10, 2)).toBe(2);
    expect(await repo.deleteInboundRequests(10, 2)).toBe(1);
    expect(await repo.deleteInboundRequests(10, 2)).toBe(0);
    expect((await requests.list({ sourceId }, { limit: 10 })).data).toHaveLength(1);
  });
});
