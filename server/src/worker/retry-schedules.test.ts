import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { DeliveriesRepository } from "../store/deliveries-repository.js";
import { DeliveryPolicyCache } from "../store/delivery-policies.js";
import { type ArrivalReceiver, startArrivalReceiver } from "../test-support/arrival-receiver.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { LocalThrottleSlots } from "./local-throttle-slots.js";
import { DeliveryWorker } from "./worker.js";

/**
 * Retry schedules at every level, proven by real deliveries to a receiver that always fails:
 * the number of attempts each (message, endpoint) gets is the length of the schedule that
 * applies + 1. Server default 1,1,1 (4 attempts); application A [1,1] (3); event type
 * "typed" [1] (2); endpoint A1 [] (1, no retries).
 */
describeEachStore("retry schedules per endpoint, event type and application (%s)", (kind) => {
  let t: TestApp;
  let svix: Svix;
  let receiver: ArrivalReceiver;
  let worker: DeliveryWorker;

  beforeAll(async () => {
    t = await startTestApp(
      { allowPrivateNetworks: "127.0.0.0/8", workerPollMs: 50, retrySchedule: "1,1,1", retryJitter: 0 },
      kind,
    );
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    svix = new Svix(t.token, {
      serverUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`,
    });
    receiver = await startArrivalReceiver(500);
  });
  afterAll(async () => {
    await worker?.stop(0);
    await receiver?.close();
    await t?.close();
  });

  const put = (url: string, payload: unknown) =>
    t.app.inject({ method: "PUT", url, headers: t.auth, payload: payload as object });
  const get = (url: string) => t.app.inject({ method: "GET", url, headers: t.auth });

  it("refuses bad schedules with a 4xx JSON error and unknown event types with 404", async () => {
    await svix.eventType.create({ name: "checked", description: "d" });
    const url = "/api/v1/event-type/checked/retry-schedule";
    const bad = [
      { retrySchedule: [0] },
      { retrySchedule: [-5] },
      { retrySchedule: [1.5] },
      { retrySchedule: ["60"] },
      { retrySchedule: [{ secs: 1, nanos: 500 }] },
      { retrySchedule: [604_801] },
      { retrySchedule: Array.from({ length: 21 }, () => 1) },
      { retrySchedule: [1], extra: true },
    ];
    for (const body of bad) {
      const res = await put(url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json()).toHaveProperty("detail");
    }
    expect(
      (await put("/api/v1/event-type/nope/retry-schedule", { retrySchedule: [1] })).json(),
    ).toMatchObject({
      code: "not_found",
    });
    expect((await get("/api/v1/event-type/nope/retry-schedule")).statusCode).toBe(404);
    expect((await get(url)).json()).toEqual({ retrySchedule: null });
  });

  it(
    "applies endpoint > event type > application > server default to real deliveries",
    { timeout: 30_000 },
    async () => {
      const a = await svix.application.create({ name: "A" });
      const b = await svix.application.create({ name: "B" });
      const a1 = await svix.endpoint.create(a.id, { url: `${receiver.url}/a1` });
      await svix.endpoint.create(a.id, { url: `${receiver.url}/a2` });
      await svix.endpoint.create(b.id, { url: `${receiver.url}/b1` });
      await svix.eventType.create({ name: "typed", description: "has its own schedule" });

      // Svix's Duration objects and plain seconds are both accepted; answers are Durations.
      const typed = await put("/api/v1/event-type/typed/retry-schedule", {
        retrySchedule: [{ secs: 1, nanos: 0 }],
      });
      expect(typed.json()).toEqual({ retrySchedule: [{ secs: 1, nanos: 0 }] });
      expect((await put(`/api/v1/app/${a.id}/retry-schedule`, { retrySchedule: [1, 1] })).statusCode).toBe(
        200,
      );
      expect(
        (await put(`/api/v1/app/${a.id}/endpoint/${a1.id}/retry-schedule`, { retrySchedule: [] })).statusCode,
      ).toBe(200);
      expect((await get(`/api/v1/app/${a.id}/retry-schedule`)).json()).toEqual({
        retrySchedule: [
          { secs: 1, nanos: 0 },
          { secs: 1, nanos: 0 },
        ],
      });
      expect((await get(`/api/v1/app/${a.id}/endpoint/${a1.id}/retry-schedule`)).json()).toEqual({
        retrySchedule: [],
      });
      // A later change of the application itself keeps its schedule.
      await svix.application.patch(a.id, { name: "A renamed" });
      expect((await get(`/api/v1/app/${a.id}/retry-schedule`)).json().retrySchedule).toHaveLength(2);

      const audit = await t.app.inject({ url: "/api/v1/audit-log?limit=250", headers: t.auth });
      const actions = (audit.json().data as { action: string }[]).map((row) => row.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          "event-type.retry-schedule.update",
          "application.retry-schedule.update",
          "endpoint.retry-schedule.update",
        ]),
      );

      const aTyped = await svix.message.create(a.id, { eventType: "typed", payload: {} });
      const aPlain = await svix.message.create(a.id, { eventType: "plain", payload: {} });
      const bTyped = await svix.message.create(b.id, { eventType: "typed", payload: {} });
      const bPlain = await svix.message.create(b.id, { eventType: "plain", payload: {} });

      worker = new DeliveryWorker({
        queue: new DeliveriesRepository(t.store, { endpointDisableAfterMs: 86_400_000 }),
        sender: new DeliveryClient({ policy: createAddressPolicy(t.config.allowPrivateNetworks) }),
        config: t.config,
        wakeup: t.wakeup,
        keyring: t.keyring,
        slots: new LocalThrottleSlots(),
        policies: new DeliveryPolicyCache(t.store.db),
      });
      worker.start();

      // Every message is expanded by the worker's fan-out, and every delivery ends failed once its schedule runs out.
      const deadline = Date.now() + 20_000;
      for (;;) {
        // Unexpanded first: once none is, every delivery row exists, so the count after it is whole.
        const unexpanded = await t.store.db.selectFrom("messages").select("id").where("expanded_at", "is", null).execute();
        const open = await t.store.db
          .selectFrom("deliveries")
          .select("id")
          .where("status", "!=", 2)
          .execute();
        if (open.length === 0 && unexpanded.length === 0) break;
        if (Date.now() > deadline) throw new Error(`${open.length} deliveries still open`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const attempts = (path: string, msgId: string) =>
        receiver.arrivals.filter((x) => x.path === path && x.webhookId === msgId).length;
      expect({
        endpointOverAll: attempts("/a1", aTyped.id),
        endpointOverApp: attempts("/a1", aPlain.id),
        eventTypeOverApp: attempts("/a2", aTyped.id),
        application: attempts("/a2", aPlain.id),
        eventTypeOverDefault: attempts("/b1", bTyped.id),
        serverDefault: attempts("/b1", bPlain.id),
      }).toEqual({
        endpointOverAll: 1,
        endpointOverApp: 1,
        eventTypeOverApp: 2,
        application: 3,
        eventTypeOverDefault: 2,
        serverDefault: 4,
      });

      // Clearing the endpoint's schedule hands it back to the next level.
      expect(
        (await put(`/api/v1/app/${a.id}/endpoint/${a1.id}/retry-schedule`, { retrySchedule: null })).json(),
      ).toEqual({
        retrySchedule: null,
      });
    },
  );
});
