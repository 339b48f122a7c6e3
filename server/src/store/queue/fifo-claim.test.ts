import { expect, it } from "vitest";

import { newId } from "../../lib/ids.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { storePerTest } from "../../test-support/store.js";
import { DeliveriesRepository, type DeliveryResult } from "../deliveries-repository.js";
import { DeliveryStatus } from "../schema.js";

const T0 = 1_700_000_000_000;
const LAG = 1_000;

/** The claim of FIFO endpoints (ADR 18): only the head, one at a time, in message-id order. */
describeEachStore("FIFO endpoints in the claim on %s", (kind) => {
  const t = storePerTest(kind);
  const repo = () => new DeliveriesRepository(t.store, { endpointDisableAfterMs: 5 * 86_400_000, circuit: undefined });
  const claim = (owner: string, now: number, limit = 50) =>
    repo().claim({ owner, now, leaseMs: 30_000, limit, maxInFlight: 8, fifoSafetyLagMs: LAG });

  /** An endpoint with `count` deliveries whose message ids increase; due times run backwards so due order is not id order. */
  async function endpointWith(count: number, fifo: number, extra: { disabled?: number } = {}) {
    const app = await t.seed.app(T0);
    const ep = await t.seed.endpoint(app, { created_at: T0, updated_at: T0, fifo, ...extra });
    const rows: { id: string; msgId: string }[] = [];
    for (let i = 0; i < count; i++) {
      rows.push(
        await t.seed.delivery(app, ep, {
          message: { id: newId("msg"), created_at: T0 },
          delivery: { due_at: T0 + (count - i), created_at: T0 },
        }),
      );
    }
    return { app, ep, rows };
  }

  const result = (c: { delivery: { id: string; endpoint_id: string; lease_owner: string | null } }, next: DeliveryResult["next"], at: number): DeliveryResult => ({
    deliveryId: c.delivery.id,
    endpointId: c.delivery.endpoint_id,
    owner: c.delivery.lease_owner!,
    next,
    dueAt: next === "retry" ? at + 60_000 : undefined,
    at,
    attempt: {
      msg_id: "msg_x",
      app_id: "app_x",
      url: "https://example.com/hook",
      status: next === "success" ? 0 : 2,
      response_status_code: next === "success" ? 200 : 500,
      response: "",
      response_duration_ms: 1,
      trigger_type: 0,
    },
  });

  it("claims only the head, and the next one only once the head is finished", async () => {
    const fifo = await endpointWith(4, 1);
    const plain = await endpointWith(3, 0);
    const now = T0 + LAG + 100;
    const first = await claim("w1", now);
    expect(first.filter((c) => c.endpoint.id === fifo.ep).map((c) => c.delivery.msg_id)).toEqual([fifo.rows[0]!.msgId]);
    expect(first.filter((c) => c.endpoint.id === plain.ep)).toHaveLength(3);
    // Leased: nothing more for this endpoint, from any worker.
    expect(await claim("w2", now + 1)).toEqual([]);
    const head = first.find((c) => c.endpoint.id === fifo.ep)!;
    await repo().recordResults([result(head, "success", now + 2)]);
    const second = await claim("w2", now + 3);
    expect(second.map((c) => c.delivery.msg_id)).toEqual([fifo.rows[1]!.msgId]);
  });

  it("a head waiting for its retry holds the rest; exhausted, the next one goes", async () => {
    const fifo = await endpointWith(3, 1);
    const now = T0 + LAG + 100;
    const [head] = await claim("w1", now);
    await repo().recordResults([result(head!, "retry", now + 1)]);
    // The others are due, but the head is not yet: nothing goes.
    expect(await claim("w1", now + 2)).toEqual([]);
    const again = await claim("w1", now + 60_001 + 1);
    expect(again.map((c) => c.delivery.msg_id)).toEqual([fifo.rows[0]!.msgId]);
    await repo().recordResults([result(again[0]!, "fail", now + 60_010)]);
    expect((await claim("w1", now + 60_011)).map((c) => c.delivery.msg_id)).toEqual([fifo.rows[1]!.msgId]);
  });

  it("a head whose worker died comes back when its lease runs out, still first", async () => {
    const fifo = await endpointWith(2, 1);
    const now = T0 + LAG + 100;
    await claim("w1", now);
    expect(await claim("w2", now + 29_000)).toEqual([]);
    const back = await claim("w2", now + 30_001);
    expect(back.map((c) => [c.delivery.msg_id, c.delivery.lease_owner])).toEqual([[fifo.rows[0]!.msgId, "w2"]]);
  });

  it("waits out the safety lag, and an older message queued again goes before newer ones", async () => {
    const fifo = await endpointWith(2, 1);
    expect(await claim("w1", T0 + LAG - 1)).toEqual([]);
    const [head] = await claim("w1", T0 + LAG);
    await repo().recordResults([result(head!, "success", T0 + LAG + 1)]);
    // Resent (pending again, due now): it rejoins at its message's place, before the second.
    await t.store.db
      .updateTable("deliveries")
      .set({ status: DeliveryStatus.pending, due_at: T0 + LAG + 2, next_trigger: 1 })
      .where("id", "=", fifo.rows[0]!.id)
      .execute();
    const next = await claim("w1", T0 + LAG + 3);
    expect(next.map((c) => c.delivery.msg_id)).toEqual([fifo.rows[0]!.msgId]);
  });

  it("many workers claiming at once lease one delivery of the endpoint in all", async () => {
    const fifo = await endpointWith(6, 1);
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(`w${i}`, T0 + LAG + 100, 2)));
    expect(claims.flat().map((c) => c.delivery.msg_id)).toEqual([fifo.rows[0]!.msgId]);
  });

  it("a disabled FIFO endpoint's rows are all claimed at once, to be failed without an attempt", async () => {
    const fifo = await endpointWith(3, 1, { disabled: 1 });
    expect(await claim("w1", T0 + 100)).toHaveLength(fifo.rows.length);
  });
});
