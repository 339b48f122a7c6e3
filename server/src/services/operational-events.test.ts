import { afterAll, beforeAll, expect, it } from "vitest";

import { OPERATIONAL_APP_ID } from "../store/operational-app.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";

/**
 * The circuit breaker's callback and the audit of operational endpoints, on a real store: an
 * event becomes a message of the operational application with one delivery per operational
 * endpoint whose `eventTypes` match, and nothing is written about the operational endpoints
 * themselves or while no operational endpoint would receive it.
 */
describeEachStore("operational events (%s)", (kind) => {
  let t: TestApp;
  let appId: string;
  let endpointId: string;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    const app = await t.app.inject({ method: "POST", url: "/api/v1/app", headers: t.auth, payload: { name: "Acme", uid: "acme" } });
    appId = app.json().id;
    const ep = await t.app.inject({
      method: "POST",
      url: `/api/v1/app/${appId}/endpoint`,
      headers: t.auth,
      payload: { url: "https://hooks.example.com/a", uid: "main" },
    });
    endpointId = ep.json().id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const operationalMessages = () =>
    t.store.db.selectFrom("messages").selectAll().where("app_id", "=", OPERATIONAL_APP_ID).orderBy("id").execute();

  const change = (state: "open" | "closed", app = appId) => ({
    endpointId,
    appId: app,
    state,
    consecutiveFailures: 5,
    nextProbeAt: state === "open" ? Date.parse("2026-01-01T00:00:30Z") : null,
    at: Date.parse("2026-01-01T00:00:00Z"),
  });

  it("writes nothing while no operational endpoint exists", async () => {
    await t.services.operationalEvents.onCircuitChange(change("open"));
    await t.services.drain();
    expect(await operationalMessages()).toEqual([]);
  });

  it("turns onCircuitChange's object into endpoint.circuit_opened / circuit_closed for the matching endpoints", async () => {
    const all = await t.app.inject({
      method: "POST",
      url: "/api/v1/operational-webhook/endpoint",
      headers: t.auth,
      payload: { url: "https://ops.example.com/all" },
    });
    expect(all.statusCode).toBe(201);
    const onlyOpened = await t.app.inject({
      method: "POST",
      url: "/api/v1/operational-webhook/endpoint",
      headers: t.auth,
      payload: { url: "https://ops.example.com/opened", eventTypes: ["endpoint.circuit_opened"] },
    });

    await t.services.operationalEvents.onCircuitChange(change("open"));
    await t.services.operationalEvents.onCircuitChange(change("closed"));
    // About the operational application's own endpoints: never.
    await t.services.operationalEvents.onCircuitChange(change("open", OPERATIONAL_APP_ID));

    const messages = await operationalMessages();
    expect(messages.map((m) => m.event_type)).toEqual(["endpoint.circuit_opened", "endpoint.circuit_closed"]);
    expect(JSON.parse(messages[0]!.payload!)).toMatchObject({
      type: "endpoint.circuit_opened",
      data: {
        appId,
        appUid: "acme",
        endpointId,
        endpointUid: "main",
        state: "open",
        consecutiveFailures: 5,
        nextProbeAt: "2026-01-01T00:00:30.000Z",
        at: "2026-01-01T00:00:00.000Z",
      },
    });
    expect(JSON.parse(messages[1]!.payload!).data).toMatchObject({ state: "closed", nextProbeAt: null });

    // Expanded by the worker's fan-out, like any message (ADR 0022).
    await t.expand();
    const deliveries = await t.store.db
      .selectFrom("deliveries")
      .select(["msg_id", "endpoint_id"])
      .where("app_id", "=", OPERATIONAL_APP_ID)
      .execute();
    const targets = (msgId: string) => deliveries.filter((d) => d.msg_id === msgId).map((d) => d.endpoint_id).sort();
    expect(targets(messages[0]!.id)).toEqual([all.json().id, onlyOpened.json().id].sort());
    expect(targets(messages[1]!.id)).toEqual([all.json().id]);
  });

  it("decides failing, exhausted and recovered from written outcomes, each once", async () => {
    const msg = await t.app.inject({
      method: "POST",
      url: `/api/v1/app/${appId}/msg`,
      headers: t.auth,
      payload: { eventType: "invoice.paid", eventId: "inv-9", payload: {} },
    });
    const msgId = msg.json().id as string;
    const outcome = (deliveryId: string, next: "retry" | "fail" | "success", priorAttempts: number, extra: object = {}) => ({
      result: {
        deliveryId,
        endpointId,
        owner: "w",
        next,
        at: Date.parse("2026-01-01T00:00:00Z"),
        attemptId: `atmpt_${deliveryId}_${priorAttempts}`,
        attempt: {
          msg_id: msgId,
          app_id: appId,
          url: "https://hooks.example.com/a",
          status: next === "success" ? 0 : 2,
          response_status_code: next === "success" ? 200 : 500,
          response: "",
          response_duration_ms: 1,
          trigger_type: 0,
        },
      },
      priorAttempts,
      priorStatusCode: priorAttempts > 0 ? 500 : null,
      manual: false,
      endpointWasDisabled: false,
      endpointFailingSince: null,
      ...extra,
    });
    const before = (await operationalMessages()).length;
    const events = t.services.operationalEvents;
    await events.outcomesRecorded([outcome("dlv_a", "retry", 2), outcome("dlv_b", "retry", 3)]);
    // The same outcome reported again (another batch, a re-written result) is one event.
    await events.outcomesRecorded([outcome("dlv_b", "fail", 4), outcome("dlv_b", "fail", 4)]);
    await events.outcomesRecorded([outcome("dlv_c", "success", 1), outcome("dlv_d", "success", 4)]);
    // A success written after its lease was lost is made again: still one recovered event.
    await events.outcomesRecorded([{ ...outcome("dlv_d", "success", 4), result: { ...outcome("dlv_d", "success", 4).result, attemptId: "atmpt_again" } }]);
    // A resend of an exhausted delivery that succeeds recovers it; a failed resend is not "exhausted".
    await events.outcomesRecorded([outcome("dlv_b", "success", 5, { manual: true }), outcome("dlv_e", "fail", 6, { manual: true })]);
    const written = (await operationalMessages()).slice(before).map((m) => JSON.parse(m.payload!) as { type: string; data: Record<string, unknown> });
    expect(written.map((e) => [e.type, (e.data.lastAttempt as { id: string }).id])).toEqual([
      ["message.attempt.failing", "atmpt_dlv_b_3"],
      ["message.attempt.exhausted", "atmpt_dlv_b_4"],
      ["message.attempt.recovered", "atmpt_dlv_d_4"],
      ["message.attempt.recovered", "atmpt_dlv_b_5"],
    ]);
    expect(written[0]!.data).toMatchObject({ appId, appUid: "acme", msgId, msgEventId: "inv-9", endpointId });
  });

  it("reports a disable by the five-day failure run as automatic, once, and not a manual one", async () => {
    const create = async (uid: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: `/api/v1/app/${appId}/endpoint`,
          headers: t.auth,
          payload: { url: `https://hooks.example.com/${uid}`, uid },
        })
      ).json().id as string;
    const longRun = await create("long-run");
    const shortRun = await create("short-run");
    const at = Date.now();
    const since = at - 6 * 86_400_000;
    // What the batch's health statement left: disabled, with the run it measured.
    await t.store.db.updateTable("endpoints").set({ disabled: 1, first_failure_at: since }).where("id", "=", longRun).execute();
    await t.store.db.updateTable("endpoints").set({ disabled: 1, first_failure_at: at - 60_000 }).where("id", "=", shortRun).execute();
    const failed = (endpoint: string, failingSince: number) => ({
      result: { deliveryId: `dlv_${endpoint}`, endpointId: endpoint, owner: "w", next: "retry" as const, dueAt: at + 1_000, at, attemptId: "atmpt_x",
        attempt: { msg_id: "msg_x", app_id: appId, url: "https://hooks.example.com/", status: 2, response_status_code: 500, response: "", response_duration_ms: 1, trigger_type: 0 } },
      priorAttempts: 1,
      priorStatusCode: 500,
      manual: false,
      endpointWasDisabled: false,
      endpointFailingSince: failingSince,
    });
    const before = (await operationalMessages()).length;
    await t.services.operationalEvents.outcomesRecorded([failed(longRun, since), failed(shortRun, at - 60_000)]);
    await t.services.operationalEvents.outcomesRecorded([failed(longRun, since)]);
    const written = (await operationalMessages()).slice(before).map((m) => JSON.parse(m.payload!) as { type: string; data: object });
    expect(written).toEqual([
      expect.objectContaining({
        type: "endpoint.disabled",
        data: { appId, appUid: "acme", endpointId: longRun, endpointUid: "long-run", trigger: "automatic", failSince: new Date(since).toISOString() },
      }),
    ]);
  });

  it("never reaches an application's endpoint through the operational routes, nor the reverse", async () => {
    for (const method of ["GET", "DELETE"] as const) {
      const res = await t.app.inject({ method, url: `/api/v1/operational-webhook/endpoint/${endpointId}`, headers: t.auth });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("not_found");
    }
    expect((await t.app.inject({ url: `/api/v1/app/${appId}/endpoint/${endpointId}`, headers: t.auth })).statusCode).toBe(200);
    const ops = await t.app.inject({ url: "/api/v1/operational-webhook/endpoint", headers: t.auth });
    const opsId = ops.json().data[0].id as string;
    const viaApp = await t.app.inject({ url: `/api/v1/app/${OPERATIONAL_APP_ID}/endpoint/${opsId}`, headers: t.auth });
    expect(viaApp.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/operational-webhook/endpoint",
      headers: t.auth,
      payload: { url: "ftp://nope" },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toHaveProperty("detail");
  });

  it("audits operational endpoint changes and emits no event about them", async () => {
    const before = (await operationalMessages()).length;
    const created = await t.app.inject({
      method: "POST",
      url: "/api/v1/operational-webhook/endpoint",
      headers: t.auth,
      payload: { url: "https://ops.example.com/audited" },
    });
    const id = created.json().id as string;
    await t.app.inject({ method: "DELETE", url: `/api/v1/operational-webhook/endpoint/${id}`, headers: t.auth });
    await t.services.drain();
    expect(await operationalMessages()).toHaveLength(before);
    const audit = await t.store.db.selectFrom("audit_log").select(["action", "resource_id"]).where("resource_id", "=", id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["operational_endpoint.create", "operational_endpoint.delete"]);
    const stored = await t.store.db.selectFrom("endpoints").select("secret").where("app_id", "=", OPERATIONAL_APP_ID).execute();
    for (const row of stored) expect(row.secret).not.toMatch(/^whsec_/);
  });
});
