import { expect, it } from "vitest";

import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { DeliveriesRepository } from "./deliveries-repository.js";
import { TransformationCache, TransformationsRepository } from "./transformations-repository.js";

describeEachStore("endpoint transformations on %s", (dialect) => {
  const t = storePerTest(dialect);

  it("stores, replaces and reads a transformation; the worker's cache sees only enabled code; it goes with its endpoint", async () => {
    const { store, seed } = t;
    const app = await seed.app();
    const [a, b, c] = [await seed.endpoint(app), await seed.endpoint(app), await seed.endpoint(app)];
    const repo = new TransformationsRepository(store.db);
    await repo.put({ endpoint_id: a, code: "function handler(w) { return w }", enabled: 1, updated_at: 1 });
    await repo.put({ endpoint_id: b, code: "function handler(w) { return w }", enabled: 0, updated_at: 1 });
    await repo.put({
      endpoint_id: a,
      code: "function handler(w) { w.x = 1; return w }",
      enabled: 1,
      updated_at: 2,
    });
    expect(await repo.get(a)).toEqual({
      endpoint_id: a,
      code: "function handler(w) { w.x = 1; return w }",
      enabled: 1,
      updated_at: 2,
    });

    const cache = new TransformationCache(store.db);
    // Looked up together, as a claim batch dispatches: one query for the three.
    const codes = await Promise.all([a, b, c].map((id) => cache.codeFor(id)));
    expect(codes).toEqual(["function handler(w) { w.x = 1; return w }", undefined, undefined]);

    await store.db.deleteFrom("endpoints").where("id", "=", a).execute();
    expect(await repo.get(a)).toBeUndefined();
  });

  it("records a cancelled delivery as finished with its attempt, without touching the endpoint's health", async () => {
    const { store, seed } = t;
    const app = await seed.app();
    const ep = await seed.endpoint(app, { url: "https://example.com/hook" });
    const { id } = await seed.delivery(app, ep);
    const queue = new DeliveriesRepository(store, { endpointDisableAfterMs: 86_400_000 });
    await queue.claim({ owner: "w1", now: Date.now() + 1, leaseMs: 30_000, limit: 10 });
    const at = Date.now();
    await queue.recordResults([
      {
        deliveryId: id,
        endpointId: ep,
        owner: "w1",
        next: "fail",
        cancelled: true,
        at,
        attempt: {
          msg_id: "msg_x",
          app_id: app,
          url: "https://example.com/hook",
          status: 2,
          response_status_code: 0,
          response: "cancelled by the endpoint's transformation: not sent",
          response_duration_ms: 0,
          trigger_type: 0,
        },
      },
    ]);
    const delivery = await store.db
      .selectFrom("deliveries")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 2, due_at: null, attempt_count: 1 });
    const endpoint = await store.db
      .selectFrom("endpoints")
      .selectAll()
      .where("id", "=", ep)
      .executeTakeFirstOrThrow();
    expect(endpoint).toMatchObject({ first_failure_at: null, consecutive_failures: 0, window_failures: 0 });
    const attempts = await store.db
      .selectFrom("attempts")
      .select("response")
      .where("delivery_id", "=", id)
      .execute();
    expect(attempts).toEqual([{ response: "cancelled by the endpoint's transformation: not sent" }]);
  });
});
