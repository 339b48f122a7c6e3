import { expect, it } from "vitest";

import { describeEachStore } from "../../test-support/postgres.js";
import { storePerTest } from "../../test-support/store.js";
import { DeliveriesRepository, type DeliveryResult } from "../deliveries-repository.js";
import { QueueViewRepository } from "../queue-view-repository.js";
import { CircuitState } from "../schema.js";
import type { CircuitPolicy } from "./endpoint-circuit.js";

const T0 = 1_700_000_000_000;
const POLICY: CircuitPolicy = {
  failureThreshold: 3,
  failureRatePercent: 0,
  windowMs: 60_000,
  minAttempts: 10,
  cooldownMs: 1_000,
  maxCooldownMs: 3_000,
};

describeEachStore("Endpoint isolation and circuit breaker in the queue on %s", (kind) => {
  const t = storePerTest(kind);
  const repo = (circuit: CircuitPolicy | undefined = POLICY) =>
    new DeliveriesRepository(t.store, { endpointDisableAfterMs: 5 * 86_400_000, circuit });

  async function endpointWith(count: number, values: Parameters<typeof t.seed.endpoint>[1] = {}) {
    const app = await t.seed.app(T0);
    const ep = await t.seed.endpoint(app, { created_at: T0, updated_at: T0, ...values });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await t.seed.delivery(app, ep, { delivery: { due_at: T0 + i, created_at: T0 + i } })).id);
    return { app, ep, ids };
  }

  const claim = (owner: string, now: number, maxInFlight = 3, limit = 50) =>
    repo().claim({ owner, now, leaseMs: 30_000, limit, maxInFlight });

  const endpointRow = (id: string) =>
    t.store.db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  const attempt = (r: { deliveryId: string; endpointId: string; owner: string }, ok: boolean, at: number): DeliveryResult => ({
    ...r,
    next: ok ? "success" : "retry",
    dueAt: at + 1,
    at,
    attempt: {
      msg_id: "msg_x",
      app_id: "app_x",
      url: "https://example.com/hook",
      status: ok ? 0 : 2,
      response_status_code: ok ? 200 : 500,
      response: "",
      response_duration_ms: 1,
      trigger_type: 0,
    },
  });

  it("leases at most the cap per endpoint, across owners, and skips a full endpoint to reach the others", async () => {
    // The busy endpoint's rows are all due first: without skipping it, the scan would see nothing else.
    const busy = await endpointWith(10);
    const other = await endpointWith(2);
    const first = await claim("w1", T0 + 100);
    expect(first.filter((c) => c.endpoint.id === busy.ep).map((c) => c.delivery.id)).toEqual(busy.ids.slice(0, 3));
    expect(first.filter((c) => c.endpoint.id === other.ep)).toHaveLength(2);
    // Another worker finds the busy endpoint at its cap.
    expect(await claim("w2", T0 + 200)).toEqual([]);
    // When a lease runs out (its worker died) the row no longer counts; it comes back with the next ones.
    const after = await claim("w2", T0 + 100 + 30_000);
    expect(after.filter((c) => c.endpoint.id === busy.ep)).toHaveLength(3);
  });

  it("grants the cap and the probe once when many workers claim at the same instant", async () => {
    const busy = await endpointWith(20);
    const probing = await endpointWith(5, { circuit_state: CircuitState.open, circuit_next_probe_at: T0 });
    const owners = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const claims = await Promise.all(owners.map((owner) => claim(owner, T0 + 100, 3, 2)));
    const all = claims.flat();
    expect(all.filter((c) => c.endpoint.id === busy.ep)).toHaveLength(3);
    expect(all.filter((c) => c.endpoint.id === probing.ep)).toHaveLength(1);
    expect(new Set(all.map((c) => c.delivery.id)).size).toBe(all.length);
    expect((await endpointRow(probing.ep)).circuit_state).toBe(CircuitState.halfOpen);
  });

  it("takes the endpoint's own max_in_flight over the default", async () => {
    const one = await endpointWith(5, { max_in_flight: 1 });
    const many = await endpointWith(5, { max_in_flight: 10 });
    const claimed = await claim("w1", T0 + 100, 3);
    expect(claimed.filter((c) => c.endpoint.id === one.ep)).toHaveLength(1);
    expect(claimed.filter((c) => c.endpoint.id === many.ep)).toHaveLength(5);
  });

  it("opens after consecutive failures, holds deliveries while open, probes once, and closes on success", async () => {
    const { ep } = await endpointWith(8);
    const now = T0 + 100;
    const claimed = await claim("w1", now);
    expect(claimed).toHaveLength(3);
    const summary = await repo().recordResults(claimed.map((c, i) => attempt({ deliveryId: c.delivery.id, endpointId: ep, owner: "w1" }, false, now + i)));
    expect(summary.circuitChanges).toEqual([
      { endpointId: ep, appId: claimed[0]!.delivery.app_id, state: "open", consecutiveFailures: 3, nextProbeAt: now + 2 + 1_000, at: now + 2 },
    ]);
    expect(await endpointRow(ep)).toMatchObject({ circuit_state: CircuitState.open, consecutive_failures: 3, circuit_opens: 1 });

    // Open: nothing is leased before the probe is due, whoever asks.
    expect(await claim("w1", now + 500)).toEqual([]);
    expect(await claim("w2", now + 1_001)).toEqual([]);
    // Due: exactly one probe, and the circuit is half-open while it is out.
    const [probe, ...more] = await claim("w1", now + 1_002);
    expect(more).toEqual([]);
    expect((await endpointRow(ep)).circuit_state).toBe(CircuitState.halfOpen);
    expect(await claim("w2", now + 1_003)).toEqual([]);

    // The probe fails: open again, for twice as long.
    const reopened = await repo().recordResults([attempt({ deliveryId: probe!.delivery.id, endpointId: ep, owner: "w1" }, false, now + 1_100)]);
    expect(reopened.circuitChanges).toMatchObject([{ state: "open", consecutiveFailures: 4, nextProbeAt: now + 1_100 + 2_000 }]);
    expect(await claim("w1", now + 3_000)).toEqual([]);
    const [probe2] = await claim("w1", now + 3_100);
    expect(probe2).toBeDefined();

    // The second probe succeeds: closed, counters reset, and the cap applies again.
    const closed = await repo().recordResults([attempt({ deliveryId: probe2!.delivery.id, endpointId: ep, owner: "w1" }, true, now + 3_200)]);
    expect(closed.circuitChanges).toMatchObject([{ endpointId: ep, state: "closed", consecutiveFailures: 0, nextProbeAt: null }]);
    expect(await endpointRow(ep)).toMatchObject({ circuit_state: CircuitState.closed, consecutive_failures: 0, circuit_opens: 0, circuit_next_probe_at: null });
    expect(await claim("w1", now + 3_300)).toHaveLength(3);
  });

  it("caps the cool-down, and opens on the failure rate over the window", async () => {
    const rate: CircuitPolicy = { ...POLICY, failureThreshold: 0, failureRatePercent: 50, minAttempts: 4 };
    const { ep, ids } = await endpointWith(4);
    const leased = await repo(rate).claim({ owner: "w1", now: T0 + 100, leaseMs: 30_000, limit: 10 });
    expect(leased).toHaveLength(4);
    // fail, ok, fail, fail: never 3 in a row, but 3 of 4 attempts in the window failed.
    const outcomes = [false, true, false, false];
    const summary = await repo(rate).recordResults(
      ids.map((id, i) => attempt({ deliveryId: id, endpointId: ep, owner: "w1" }, outcomes[i]!, T0 + 200 + i)),
    );
    expect(summary.circuitChanges).toMatchObject([{ state: "open", consecutiveFailures: 2 }]);

    await t.store.db.updateTable("endpoints").set({ circuit_opens: 7 }).where("id", "=", ep).execute();
    await t.store.db.updateTable("endpoints").set({ circuit_state: CircuitState.halfOpen }).where("id", "=", ep).execute();
    const again = await repo(rate).recordResults([attempt({ deliveryId: ids[0]!, endpointId: ep, owner: "w1" }, false, T0 + 1_000)]);
    // Fenced off (no lease), but the attempt still counts for the endpoint: 2^7 s capped at 3 s.
    expect(again.circuitChanges).toMatchObject([{ state: "open", nextProbeAt: T0 + 1_000 + 3_000 }]);
  });

  it("drains a disabled endpoint's deliveries whatever its circuit says (they fail without an attempt)", async () => {
    const { ids } = await endpointWith(5, { disabled: 1, circuit_state: CircuitState.open, circuit_next_probe_at: T0 + 60_000 });
    expect((await claim("w1", T0 + 100, 1)).map((c) => c.delivery.id)).toEqual(ids);
  });

  it("reports open circuits and live leases per endpoint for the metrics", async () => {
    const busy = await endpointWith(5);
    const other = await endpointWith(1, { circuit_state: CircuitState.open, circuit_next_probe_at: T0 + 60_000 });
    await claim("w1", T0 + 100);
    const view = new QueueViewRepository(t.store.db);
    expect(await view.circuits(T0 + 200)).toEqual({ open: 1, halfOpen: 0, inFlight: [{ endpointId: busy.ep, count: 3 }] });
    expect(other.ids).toHaveLength(1);
    // Expired leases are not in flight.
    expect((await view.circuits(T0 + 100 + 30_000)).inFlight).toEqual([]);
  });

  it("disables an endpoint after its disable_after_failures consecutive failures, and reports it", async () => {
    const { ep, ids } = await endpointWith(3, { disable_after_failures: 2 });
    await claim("w1", T0 + 100);
    const first = await repo(undefined).recordResults([attempt({ deliveryId: ids[0]!, endpointId: ep, owner: "w1" }, false, T0 + 200)]);
    expect(first.circuitChanges).toEqual([]);
    const second = await repo(undefined).recordResults([attempt({ deliveryId: ids[1]!, endpointId: ep, owner: "w1" }, false, T0 + 300)]);
    expect(second.circuitChanges).toMatchObject([{ endpointId: ep, state: "disabled", consecutiveFailures: 2 }]);
    expect((await endpointRow(ep)).disabled).toBe(1);
  });
});
