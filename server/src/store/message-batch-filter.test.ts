import { afterEach, expect, it, vi } from "vitest";

import { newId } from "../lib/ids.js";
import { expandAll } from "../test-support/expand.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { prepareMessageBatch } from "./message-batch.js";
import type { MessageRow } from "./schema.js";

const noIdempotency = { sealed: <T>(row: T) => row };

/**
 * Fan-out with content filters (ADR 0017), done by the worker's expansion step (ADR 0022): who
 * gets a delivery row, and when a payload is parsed.
 */
describeEachStore("fan-out with content filters (%s)", (kind) => {
  const t = storePerTest(kind);
  afterEach(() => vi.restoreAllMocks());

  const message = (appId: string, payload: string, eventType = "order.paid"): MessageRow => {
    const now = Date.now();
    return { id: newId("msg"), app_id: appId, event_type: eventType, event_id: null, payload, channels: null, tags: null, deliver_at: null, created_at: now, expires_at: now + 86_400_000 };
  };
  const deliveredTo = async (msgId: string) =>
    (await t.store.db.selectFrom("deliveries").select("endpoint_id").where("msg_id", "=", msgId).execute()).map((r) => r.endpoint_id).sort();

  it("gives a delivery row only to endpoints whose filter the payload passes; send-example ignores the filter", async () => {
    const app = await t.seed.app();
    const plain = await t.seed.endpoint(app);
    const big = await t.seed.endpoint(app, { content_filter: '{"total":{"$gte":100}}' });
    const eur = await t.seed.endpoint(app, { content_filter: '{"currency":"EUR"}', event_types: '["order.paid"]' });
    const items = [
      { message: message(app, '{"total":250,"currency":"EUR"}') },
      { message: message(app, '{"total":5,"currency":"EUR"}') },
      { message: message(app, '{"total":5,"currency":"USD"}') },
      { message: message(app, '{"total":5,"currency":"USD"}'), onlyEndpointId: big },
    ];
    const batch = await prepareMessageBatch(t.store, noIdempotency, items);
    await t.store.atomic(batch.queries);
    expect(await expandAll(t.store)).toBe(3 + 2 + 1 + 1);
    expect(await deliveredTo(items[0]!.message.id)).toEqual([plain, big, eur].sort());
    expect(await deliveredTo(items[1]!.message.id)).toEqual([plain, eur].sort());
    expect(await deliveredTo(items[2]!.message.id)).toEqual([plain]);
    expect(await deliveredTo(items[3]!.message.id)).toEqual([big]);
  });

  it("parses a payload only when an endpoint that matched on type and channels has a filter, and then once", async () => {
    const app = await t.seed.app();
    await t.seed.endpoint(app);
    await t.seed.endpoint(app, { content_filter: '{"a":1}', event_types: '["other.type"]' });
    await t.store.fanoutCache.forApps([app]);
    const parse = vi.spyOn(JSON, "parse");
    const unparsed = '{"a":1,"unparsed":true}';
    const first = await prepareMessageBatch(t.store, noIdempotency, [{ message: message(app, unparsed) }]);
    await t.store.atomic(first.queries);
    await expandAll(t.store);
    expect(parse.mock.calls.filter(([text]) => text === unparsed)).toHaveLength(0);

    await t.seed.endpoint(app, { content_filter: '{"a":1}' });
    await t.seed.endpoint(app, { content_filter: '{"a":{"$gte":1}}' });
    t.store.fanoutCache.invalidate();
    await t.store.fanoutCache.forApps([app]);
    const once = '{"a":1,"once":true}';
    const batch = await prepareMessageBatch(t.store, noIdempotency, [{ message: message(app, once) }]);
    await t.store.atomic(batch.queries);
    expect(await expandAll(t.store)).toBe(3);
    expect(parse.mock.calls.filter(([text]) => text === once)).toHaveLength(1);
  });
});
