import { expect, it } from "vitest";

import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { QueueViewRepository } from "./queue-view-repository.js";
import { DeliveryStatus } from "./schema.js";

const NOW = 1_700_000_000_000;

describeEachStore("QueueViewRepository.backlog on %s", (dialect) => {
  const t = storePerTest(dialect);

  it("counts what a worker would claim now: due pending rows and expired leases", async () => {
    const queue = new QueueViewRepository(t.store.db);
    expect(await queue.backlog(NOW)).toEqual({ due: 0, oldestDueAt: null, unexpanded: 0, oldestUnexpandedAt: null });
    const app = await t.seed.app();
    const ep = await t.seed.endpoint(app);
    const row = (status: number, due_at: number | null) => t.seed.delivery(app, ep, { delivery: { status, due_at } });
    await row(DeliveryStatus.pending, NOW - 5_000); // waiting 5 s
    await row(DeliveryStatus.pending, NOW - 1_000);
    await row(DeliveryStatus.sending, NOW - 2_000); // its worker's lease ran out
    await row(DeliveryStatus.sending, NOW + 30_000); // leased, in flight
    await row(DeliveryStatus.pending, NOW + 60_000); // a retry later on
    await row(DeliveryStatus.success, null);
    await row(DeliveryStatus.fail, null);
    expect(await queue.backlog(NOW)).toEqual({ due: 3, oldestDueAt: NOW - 5_000, unexpanded: 0, oldestUnexpandedAt: null });
  });
});
