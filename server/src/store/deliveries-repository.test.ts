import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { newId } from "../lib/ids.js";
import { describeEachStore } from "../test-support/postgres.js";
import { openTestStore, Seed } from "../test-support/store.js";
import type { Store } from "./database.js";
import { DeliveriesRepository, type DeliveryResult } from "./deliveries-repository.js";
import type { DeliveryRow, EndpointRow } from "./schema.js";

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;

describeEachStore("DeliveriesRepository on %s", (dialect) => {
  let store: Store;
  let repo: DeliveriesRepository;
  let seed: Seed;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const t = await openTestStore(dialect);
    store = t.store;
    cleanup = t.close;
    seed = new Seed(store);
    repo = new DeliveriesRepository(store, { endpointDisableAfterMs: 5 * DAY });
  });

  afterEach(async () => {
    await cleanup();
  });

  // Rows at a fixed instant T0, so claims and retries are driven by the `now` each test passes.
  const app = (): Promise<string> => seed.app(T0);

  const endpoint = (appId: string, values: Partial<EndpointRow> = {}): Promise<string> =>
    seed.endpoint(appId, {
      url: "https://example.com/hook",
      headers: '{"x-a":"1"}',
      created_at: T0,
      updated_at: T0,
      ...values,
    });

  async function delivery(appId: string, endpointId: string, values: Partial<DeliveryRow> = {}): Promise<string> {
    const { id } = await seed.delivery(appId, endpointId, {
      message: { event_type: "user.created", created_at: T0, expires_at: T0 + 90 * DAY },
      delivery: { due_at: T0, created_at: T0, updated_at: T0, ...values },
    });
    return id;
  }

  const row = (id: string) =>
    store.db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const ep = (id: string) =>
    store.db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const attemptsOf = (id: string) =>
    store.db.selectFrom("attempts").selectAll().where("delivery_id", "=", id).orderBy("id").execute();

  function result(
    deliveryId: string,
    endpointId: string,
    values: Partial<DeliveryResult> = {},
  ): DeliveryResult {
    const statusCode = values.next === "success" || values.next === undefined ? 200 : 500;
    return {
      deliveryId,
      endpointId,
      owner: "w1",
      next: "success",
      at: T0 + 1_000,
      attempt: {
        msg_id: "msg_x",
        app_id: "app_x",
        url: "https://example.com/hook",
        status: statusCode === 200 ? 0 : 2,
        response_status_code: statusCode,
        response: "ok",
        response_duration_ms: 12,
        trigger_type: 0,
      },
      ...values,
    };
  }

  const claim = (owner: string, now: number, limit = 100) =>
    repo.claim({ owner, now, leaseMs: 30_000, limit });

  describe("claim", () => {
    it("leases due deliveries and returns them with endpoint and message", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e);
      const [claimed, ...rest] = await claim("w1", T0 + 5);
      expect(rest).toEqual([]);
      expect(claimed!.delivery).toMatchObject({
        id: d,
        status: 3,
        due_at: T0 + 5 + 30_000,
        lease_owner: "w1",
      });
      expect(claimed!.endpoint).toMatchObject({
        id: e,
        url: "https://example.com/hook",
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        old_secrets: "[]",
        headers: '{"x-a":"1"}',
        disabled: 0,
        first_failure_at: null,
        throttle_rate: null,
      });
      expect(claimed!.message).toMatchObject({
        payload: '{"n":1}',
        event_type: "user.created",
        created_at: T0,
      });
      expect(await row(d)).toMatchObject({ status: 3, lease_owner: "w1", due_at: T0 + 5 + 30_000 });
    });

    it("takes only due, unfinished rows, earliest first, up to the limit", async () => {
      const a = await app();
      const e = await endpoint(a);
      const late = await delivery(a, e, { due_at: T0 + 300 });
      const early = await delivery(a, e, { due_at: T0 + 100 });
      const middle = await delivery(a, e, { due_at: T0 + 200 });
      await delivery(a, e, { due_at: T0 + 10_000 }); // not due
      await delivery(a, e, { status: 0, due_at: null }); // delivered
      await delivery(a, e, { status: 2, due_at: null }); // failed
      const first = await claim("w1", T0 + 1_000, 2);
      expect(first.map((c) => c.delivery.id).sort()).toEqual([early, middle].sort());
      const second = await claim("w1", T0 + 1_000, 10);
      expect(second.map((c) => c.delivery.id)).toEqual([late]);
      expect(await claim("w1", T0 + 1_000, 10)).toEqual([]);
    });

    it("never hands the same row to two concurrent claims", async () => {
      const a = await app();
      const e = await endpoint(a);
      const ids = [];
      for (let i = 0; i < 40; i++) ids.push(await delivery(a, e));
      const batches = await Promise.all(["w1", "w2", "w3", "w4"].map((w) => claim(w, T0 + 1, 15)));
      const seen = batches.flat().map((c) => c.delivery.id);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(ids.sort());
    });

    it("re-claims a row whose lease expired, but not one still leased", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e);
      await claim("crashed", T0);
      expect(await claim("w2", T0 + 29_999)).toEqual([]);
      const [again] = await claim("w2", T0 + 30_000);
      expect(again!.delivery).toMatchObject({ id: d, lease_owner: "w2", due_at: T0 + 60_000 });
    });

    it("fails deliveries whose endpoint is gone instead of leasing them forever", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e, { endpoint_id: "ep_deleted" });
      const ok = await delivery(a, e);
      expect((await claim("w1", T0 + 1)).map((c) => c.delivery.id)).toEqual([ok]);
      expect(await row(d)).toMatchObject({ status: 2, due_at: null, lease_owner: null });
    });
  });

  describe("recordResults", () => {
    it("records a success", async () => {
      const a = await app();
      const e = await endpoint(a, { first_failure_at: T0 - DAY });
      const d = await delivery(a, e, { next_trigger: 1 });
      await claim("w1", T0);
      const summary = await repo.recordResults([result(d, e)]);
      expect(summary).toEqual({ written: 1, errors: [], circuitChanges: [] });
      expect(await row(d)).toMatchObject({
        status: 0,
        due_at: null,
        lease_owner: null,
        attempt_count: 1,
        last_attempt_at: T0 + 1_000,
        last_status_code: 200,
        next_trigger: 0,
        updated_at: T0 + 1_000,
      });
      const [attempt, ...more] = await attemptsOf(d);
      expect(more).toEqual([]);
      expect(attempt).toMatchObject({
        delivery_id: d,
        endpoint_id: e,
        status: 0,
        response_status_code: 200,
        response: "ok",
        response_duration_ms: 12,
        created_at: T0 + 1_000,
      });
      expect(attempt!.id).toMatch(/^atmpt_/);
      expect((await ep(e)).first_failure_at).toBeNull();
    });

    it("schedules a retry and starts the endpoint's failure run", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e, { attempt_count: 2 });
      await claim("w1", T0);
      await repo.recordResults([result(d, e, { next: "retry", dueAt: T0 + 60_000 })]);
      expect(await row(d)).toMatchObject({
        status: 1,
        due_at: T0 + 60_000,
        attempt_count: 3,
        last_status_code: 500,
        lease_owner: null,
      });
      expect(await ep(e)).toMatchObject({ first_failure_at: T0 + 1_000, disabled: 0 });
    });

    it("keeps the start of a failure run across later failures", async () => {
      const a = await app();
      const e = await endpoint(a, { first_failure_at: T0 - 1_000 });
      const d = await delivery(a, e);
      await claim("w1", T0);
      await repo.recordResults([result(d, e, { next: "retry", dueAt: T0 + 5_000 })]);
      expect((await ep(e)).first_failure_at).toBe(T0 - 1_000);
    });

    it("marks an exhausted delivery failed", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e, { attempt_count: 7 });
      await claim("w1", T0);
      await repo.recordResults([result(d, e, { next: "fail" })]);
      expect(await row(d)).toMatchObject({ status: 2, due_at: null, attempt_count: 8, lease_owner: null });
    });

    it("does not overwrite a delivery whose lease another worker took over", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e);
      await claim("w1", T0);
      await claim("w2", T0 + 30_000); // w1's lease expired
      await repo.recordResults([result(d, e, { owner: "w1" })]);
      expect(await row(d)).toMatchObject({
        status: 3,
        lease_owner: "w2",
        attempt_count: 0,
        due_at: T0 + 60_000,
      });
      // The request did happen, so its attempt is still logged.
      expect(await attemptsOf(d)).toHaveLength(1);
    });

    it("disables the endpoint on 410 Gone", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e);
      await claim("w1", T0);
      await repo.recordResults([result(d, e, { next: "fail", gone: true })]);
      expect(await ep(e)).toMatchObject({ disabled: 1, updated_at: T0 + 1_000 });
    });

    it("disables an endpoint that has failed for longer than the limit, not sooner", async () => {
      const a = await app();
      const young = await endpoint(a, { first_failure_at: T0 + 1_000 - 5 * DAY + 1 });
      const old = await endpoint(a, { first_failure_at: T0 + 1_000 - 5 * DAY });
      const d1 = await delivery(a, young);
      const d2 = await delivery(a, old);
      await claim("w1", T0);
      await repo.recordResults([
        result(d1, young, { next: "retry", dueAt: T0 + 9_000 }),
        result(d2, old, { next: "retry", dueAt: T0 + 9_000 }),
      ]);
      expect((await ep(young)).disabled).toBe(0);
      expect((await ep(old)).disabled).toBe(1);
    });

    it("folds several outcomes for one endpoint in time order", async () => {
      const a = await app();
      const e1 = await endpoint(a, { first_failure_at: T0 - DAY });
      const e2 = await endpoint(a);
      const [x, y, z, w] = [
        await delivery(a, e1),
        await delivery(a, e1),
        await delivery(a, e2),
        await delivery(a, e2),
      ];
      await claim("w1", T0);
      await repo.recordResults([
        // e1: fail, success, fail → the run restarts at the last failure.
        result(x!, e1, { next: "retry", dueAt: T0 + 9_000, at: T0 + 100 }),
        result(y!, e1, { next: "success", at: T0 + 200 }),
        result(z!, e2, { next: "retry", dueAt: T0 + 9_000, at: T0 + 150 }),
        // e2: fail then success → healthy.
        result(w!, e2, { next: "success", at: T0 + 250 }),
      ]);
      const late = await delivery(a, e1);
      await claim("w1", T0 + 1);
      await repo.recordResults([result(late, e1, { next: "retry", dueAt: T0 + 9_000, at: T0 + 300 })]);
      expect((await ep(e1)).first_failure_at).toBe(T0 + 300);
      expect((await ep(e2)).first_failure_at).toBeNull();
    });

    it("releases a delivery without counting an attempt", async () => {
      const a = await app();
      const e = await endpoint(a);
      const d = await delivery(a, e, { attempt_count: 1, last_status_code: 503 });
      await claim("w1", T0);
      await repo.recordResults([
        { deliveryId: d, endpointId: e, owner: "w1", next: "release", dueAt: T0 + 250, at: T0 + 10 },
      ]);
      expect(await row(d)).toMatchObject({
        status: 1,
        due_at: T0 + 250,
        attempt_count: 1,
        last_status_code: 503,
        lease_owner: null,
      });
      expect(await attemptsOf(d)).toEqual([]);
    });

    it("fails a delivery to a disabled endpoint without an attempt or a health change", async () => {
      const a = await app();
      const e = await endpoint(a, { disabled: 1, first_failure_at: null });
      const d = await delivery(a, e);
      await claim("w1", T0);
      await repo.recordResults([{ deliveryId: d, endpointId: e, owner: "w1", next: "fail", at: T0 + 10 }]);
      expect(await row(d)).toMatchObject({ status: 2, due_at: null, attempt_count: 0 });
      expect(await attemptsOf(d)).toEqual([]);
      expect((await ep(e)).first_failure_at).toBeNull();
    });

    it("writes a large batch in one go", async () => {
      const a = await app();
      const e = await endpoint(a);
      const ids: string[] = [];
      for (let i = 0; i < 1_200; i++) ids.push(newId("dlv"));
      const msgId = newId("msg");
      await store.db
        .insertInto("messages")
        .values({
          id: msgId,
          app_id: a,
          event_type: "t",
          event_id: null,
          payload: "{}",
          channels: null,
          tags: null,
          deliver_at: null,
          created_at: T0,
          expires_at: T0 + DAY,
        })
        .execute();
      for (let i = 0; i < ids.length; i += 400) {
        await store.db
          .insertInto("deliveries")
          .values(
            ids.slice(i, i + 400).map((id, j) => ({
              id,
              msg_id: msgId,
              app_id: a,
              // The unique (msg_id, endpoint_id) pair needs distinct endpoint ids; they need not exist here.
              endpoint_id: `${e}_${i + j}`,
              status: 3,
              attempt_count: 0,
              due_at: T0 + 30_000,
              lease_owner: "w1",
              last_attempt_at: null,
              last_status_code: null,
              next_trigger: 0,
              created_at: T0,
              updated_at: T0,
            })),
          )
          .execute();
      }
      const summary = await repo.recordResults(ids.map((id, i) => result(id, `${e}_${i}`)));
      expect(summary).toEqual({ written: 1_200, errors: [], circuitChanges: [] });
      const counts = await store.db
        .selectFrom("deliveries")
        .select(({ fn }) => ["status", fn.countAll<number>().as("n")])
        .where("app_id", "=", a)
        .groupBy("status")
        .execute();
      expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([[0, 1_200]]);
      const attempts = await store.db
        .selectFrom("attempts")
        .select(({ fn }) => fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(attempts.n)).toBe(1_200);
    });

    it("falls back to one transaction per result when the batch fails", async () => {
      const a = await app();
      const e = await endpoint(a);
      const good1 = await delivery(a, e);
      const bad = await delivery(a, e);
      const good2 = await delivery(a, e);
      await claim("w1", T0);
      const broken = result(bad, e);
      // NOT NULL violation: this result can never be written, and must not take the others down.
      (broken.attempt as { response: string | null }).response = null;
      const summary = await repo.recordResults([result(good1, e), broken, result(good2, e)]);
      expect(summary.written).toBe(2);
      expect(summary.errors.map((x) => x.result.deliveryId)).toEqual([bad]);
      expect((await row(good1)).status).toBe(0);
      expect((await row(good2)).status).toBe(0);
      expect(await row(bad)).toMatchObject({ status: 3, lease_owner: "w1" });
      expect(await attemptsOf(bad)).toEqual([]);
    });
  });

  describe("release", () => {
    it("hands back only the rows this owner holds", async () => {
      const a = await app();
      const e = await endpoint(a);
      const mine = await delivery(a, e);
      await claim("w1", T0);
      const theirs = await delivery(a, e);
      await claim("w2", T0);
      expect(await repo.release([mine, theirs], "w1", T0 + 5)).toBe(1);
      expect(await row(mine)).toMatchObject({ status: 1, due_at: T0 + 5, lease_owner: null });
      expect(await row(theirs)).toMatchObject({ status: 3, lease_owner: "w2" });
      const [again] = await claim("w3", T0 + 5);
      expect(again!.delivery.id).toBe(mine);
    });
  });
});
