import { expect, it, vi } from "vitest";

import { DeliveriesRepository, type DeliveryResult } from "../store/deliveries-repository.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { ResultBuffer } from "./result-buffer.js";

describeEachStore("ResultBuffer on %s", (kind) => {
  const t = storePerTest(kind);
  const owner = "worker-a";

  async function claimTwo() {
    const repo = new DeliveriesRepository(t.store, { endpointDisableAfterMs: 86_400_000 });
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    await t.seed.delivery(app, ep);
    await t.seed.delivery(app, ep);
    const claimed = await repo.claim({ owner, now: Date.now(), leaseMs: 60_000, limit: 10 });
    expect(claimed).toHaveLength(2);
    return { repo, claimed };
  }

  const success = (deliveryId: string, endpointId: string): DeliveryResult => ({
    deliveryId,
    endpointId,
    owner,
    next: "success",
    at: Date.now(),
  });

  async function status(id: string): Promise<number> {
    const row = await t.store.db.selectFrom("deliveries").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    return row.status;
  }

  it("writes what it was given and hands back, at close, only the leases without a result", async () => {
    const { repo, claimed } = await claimTwo();
    const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
    const results = new ResultBuffer({ queue: repo, batchSize: 100 });
    for (const c of claimed) results.lease(c.delivery.id, c.delivery.due_at!);
    results.add(success(a.delivery.id, a.endpoint.id));
    expect(await results.close()).toEqual([b.delivery.id]);
    expect(await status(a.delivery.id)).toBe(0);
    expect(results.isClosed).toBe(true);
  });

  it("starts a write at once while expedited, and after its delay otherwise", async () => {
    const { repo, claimed } = await claimTwo();
    const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
    const writes: string[][] = [];
    const queue = {
      recordResults: (batch: DeliveryResult[]) => {
        writes.push(batch.map((r) => r.deliveryId));
        return repo.recordResults(batch);
      },
    } as unknown as DeliveriesRepository;
    const results = new ResultBuffer({ queue, batchSize: 100 });
    results.add(success(a.delivery.id, a.endpoint.id));
    expect(writes).toEqual([]);
    results.expedite();
    expect(writes).toEqual([[a.delivery.id]]);
    await vi.waitFor(async () => expect(await status(a.delivery.id)).toBe(0));
    results.relax();
    results.add(success(b.delivery.id, b.endpoint.id));
    expect(writes).toHaveLength(1);
    await vi.waitFor(() => expect(writes).toEqual([[a.delivery.id], [b.delivery.id]]), { timeout: 1000, interval: 5 });
    await results.close();
  });

  it("drops results added after close", async () => {
    const { repo, claimed } = await claimTwo();
    const a = claimed[0]!;
    const results = new ResultBuffer({ queue: repo, batchSize: 1 });
    results.lease(a.delivery.id, a.delivery.due_at!);
    expect(await results.close()).toEqual([a.delivery.id]);
    results.add(success(a.delivery.id, a.endpoint.id));
    expect(await status(a.delivery.id)).toBe(3);
  });

  it("reports failed writes and keeps the lease for release", async () => {
    const { repo, claimed } = await claimTwo();
    const a = claimed[0]!;
    const errors: number[] = [];
    const results = new ResultBuffer({ queue: repo, batchSize: 1, onWriteErrors: (n) => errors.push(n) });
    results.lease(a.delivery.id, a.delivery.due_at!);
    // An attempt row the database refuses (NOT NULL): a write error, not a crash.
    results.add({
      ...success(a.delivery.id, a.endpoint.id),
      attempt: {
        msg_id: null as unknown as string,
        app_id: a.delivery.app_id,
        url: a.endpoint.url,
        status: 0,
        response_status_code: 200,
        response: "ok",
        response_duration_ms: 1,
        trigger_type: 0,
      },
    });
    expect(await results.close()).toEqual([a.delivery.id]);
    expect(errors).toEqual([1]);
  });

  it("tells onWritten of the results that committed, not of those that failed", async () => {
    const { repo, claimed } = await claimTwo();
    const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
    const written: string[][] = [];
    const results = new ResultBuffer({ queue: repo, batchSize: 2, onWritten: (rs) => written.push(rs.map((r) => r.deliveryId)) });
    for (const c of claimed) results.lease(c.delivery.id, c.delivery.due_at!);
    results.add(success(a.delivery.id, a.endpoint.id));
    results.add({
      ...success(b.delivery.id, b.endpoint.id),
      attempt: {
        msg_id: null as unknown as string,
        app_id: b.delivery.app_id,
        url: b.endpoint.url,
        status: 0,
        response_status_code: 200,
        response: "ok",
        response_duration_ms: 1,
        trigger_type: 0,
      },
    });
    await results.close();
    expect(written).toEqual([[a.delivery.id]]);
    expect(await status(a.delivery.id)).toBe(0);
    expect(await status(b.delivery.id)).toBe(3);
  });
});
