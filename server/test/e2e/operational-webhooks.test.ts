import { Webhook } from "standardwebhooks";
import { ApiException, Ordering, Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { runReadmeSnippet } from "../support/readme-snippets.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

interface OperationalEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Operational webhooks end to end: the real server process (API and worker), the official Svix
 * SDK 2.x driving `svix.operationalWebhook.endpoint.*`, and loopback receivers whose every
 * event is verified with the `standardwebhooks` package.
 */
describeEachStore("operational webhooks through the official Svix SDK (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  let ops: Receiver;
  let opsSecret: string;
  let opsEndpointId: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({
      env: {
        // Five attempts, a second apart: the fourth failure is `failing`, the fifth `exhausted`.
        HOOKRELAY_RETRY_SCHEDULE: "1,1,1,1",
        HOOKRELAY_RETRY_JITTER: "0",
        HOOKRELAY_SLOW_DOWN_MIN_SECONDS: "0",
        HOOKRELAY_INBOUND_FAILING_THRESHOLD: "3",
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      },
    });
    svix = new Svix(server.token, { serverUrl: server.url });
    ops = await track(startReceiver());
    const endpoint = await svix.operationalWebhook.endpoint.create({ url: ops.url, description: "on-call" });
    opsEndpointId = endpoint.id;
    opsSecret = (await svix.operationalWebhook.endpoint.getSecret(endpoint.id)).key;
  }, 60_000);

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  async function track(receiver: Promise<Receiver>): Promise<Receiver> {
    const r = await receiver;
    receivers.push(r);
    return r;
  }

  /** Every event `receiver` got, each verified with `secret` (a forged or unsigned one throws). */
  function verified(receiver: Receiver, secret: string): OperationalEvent[] {
    return receiver.received.map(
      (got) => new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as OperationalEvent,
    );
  }

  /** Waits until the operational receiver got an event matching `match`. */
  async function waitForEvent(
    match: (e: OperationalEvent) => boolean,
    receiver = ops,
    secret = opsSecret,
    ms = 20_000,
  ): Promise<OperationalEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = verified(receiver, secret).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching event; got ${JSON.stringify(verified(receiver, secret).map((e) => e.type))}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const about = (type: string, key: string, value: unknown) => (e: OperationalEvent) =>
    e.type === type && e.data[key] === value;

  it("drives every operational endpoint route through svix.operationalWebhook.endpoint.*", async () => {
    const api = svix.operationalWebhook.endpoint;
    const created = await api.create({
      url: "https://ops.example.com/a",
      uid: "pager",
      eventTypes: ["endpoint.deleted"],
      metadata: { team: "sre" },
      secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    });
    expect(created).toMatchObject({ uid: "pager", eventTypes: ["endpoint.deleted"], metadata: { team: "sre" }, disabled: false });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await api.get("pager")).toMatchObject({ id: created.id, url: "https://ops.example.com/a" });

    const second = await api.create({ url: "https://ops.example.com/b" });
    const firstPage = await api.list({ limit: 1, order: Ordering.Ascending });
    expect(firstPage.data).toHaveLength(1);
    expect(firstPage.done).toBe(false);
    const rest = await api.list({ limit: 10, iterator: firstPage.iterator, order: Ordering.Ascending });
    const ids = [...firstPage.data, ...rest.data].map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([opsEndpointId, created.id, second.id]));
    expect(new Set(ids).size).toBe(ids.length);

    const updated = await api.upsert(created.id, { url: "https://ops.example.com/a2", eventTypes: ["endpoint.created"], disabled: true });
    expect(updated).toMatchObject({ url: "https://ops.example.com/a2", eventTypes: ["endpoint.created"], disabled: true });

    expect((await api.getSecret(created.id)).key).toBe("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
    await api.rotateSecret(created.id, { key: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
    expect((await api.getSecret(created.id)).key).toBe("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    await api.setHeaders(created.id, { headers: { "X-Team": "sre", Authorization: "Bearer t0k3n" } });
    const headers = await api.getHeaders(created.id);
    expect(headers.headers["X-Team"]).toBe("sre");
    expect(headers.headers.Authorization).not.toBe("Bearer t0k3n");
    expect(headers.sensitive).toContain("Authorization");

    await api.delete(created.id);
    await api.delete(second.id);
    await expect(api.get(created.id)).rejects.toMatchObject({ code: 404 });
    await expect(api.create({ url: "not a url" })).rejects.toBeInstanceOf(ApiException);
  });

  it("runs the README's operational-webhook example as written", async () => {
    const { code, output } = await runReadmeSnippet("operational", server.url, server.token);
    expect(code, output).toBe(0);
    const printed = output.match(/^operational endpoint (ep_\w+) verify with (whsec_\S+)$/m);
    expect(printed, output).not.toBeNull();
    const endpoint = await svix.operationalWebhook.endpoint.get(printed![1]!);
    expect(endpoint.eventTypes).toEqual(["endpoint.disabled", "message.attempt.exhausted"]);
    expect((await svix.operationalWebhook.endpoint.getSecret(endpoint.id)).key).toBe(printed![2]);
    await svix.operationalWebhook.endpoint.delete(endpoint.id);
  });

  it("keeps the operational endpoints out of the application routes and away from application keys", async () => {
    const apps = await svix.application.list({ limit: 250 });
    expect(apps.data.map((a) => a.id)).not.toContain("app_hookrelayOperationalWebhook");
    const res = await fetch(`${server.url}/api/v1/app/app_hookrelayOperationalWebhook/endpoint`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(res.status).toBe(404);

    const app = await svix.application.create({ name: "Tenant" });
    const key = await fetch(`${server.url}/api/v1/token`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "tenant key", appId: app.id }),
    });
    expect(key.status).toBe(201);
    const tenant = new Svix(((await key.json()) as { token: string }).token, { serverUrl: server.url });
    await expect(tenant.operationalWebhook.endpoint.list()).rejects.toMatchObject({ code: 403 });
  });

  it("reports endpoints created, updated, disabled, enabled and deleted through the SDK, signed", async () => {
    const app = await svix.application.create({ name: "Acme", uid: "acme-ops" });
    const ep = await svix.endpoint.create(app.id, { url: "https://hooks.example.com/a", uid: "acme-main" });
    const created = await waitForEvent(about("endpoint.created", "endpointId", ep.id));
    expect(created.data).toEqual({ appId: app.id, appUid: "acme-ops", endpointId: ep.id, endpointUid: "acme-main" });

    await svix.endpoint.patch(app.id, ep.id, { disabled: true });
    const disabled = await waitForEvent(about("endpoint.disabled", "endpointId", ep.id));
    expect(disabled.data).toMatchObject({ trigger: "manual", failSince: null, appUid: "acme-ops" });
    await waitForEvent(about("endpoint.updated", "endpointId", ep.id));

    await svix.endpoint.patch(app.id, ep.id, { disabled: false });
    await waitForEvent(about("endpoint.enabled", "endpointId", ep.id));

    await svix.endpoint.delete(app.id, ep.id);
    const deleted = await waitForEvent(about("endpoint.deleted", "endpointId", ep.id));
    expect(deleted.data).toEqual(created.data);
    expect(Date.parse(deleted.timestamp)).toBeGreaterThan(0);
  });

  it("sends message.attempt.failing on the fourth failure and message.attempt.exhausted after the last", async () => {
    const app = await svix.application.create({ name: "Failing" });
    const receiver = await track(startReceiver());
    receiver.respond(() => ({ status: 500 }));
    const ep = await svix.endpoint.create(app.id, { url: receiver.url });
    const msg = await svix.message.create(app.id, { eventType: "invoice.paid", eventId: "inv-1", payload: { n: 1 } });

    const failing = await waitForEvent(about("message.attempt.failing", "msgId", msg.id));
    expect(receiver.received.length).toBeGreaterThanOrEqual(4);
    expect(failing.data).toMatchObject({ appId: app.id, msgId: msg.id, msgEventId: "inv-1", endpointId: ep.id });
    const last = failing.data.lastAttempt as { id: string; responseStatusCode: number; timestamp: string };
    expect(last.responseStatusCode).toBe(500);
    // The attempt named is the one in the attempt log.
    const attempts = await svix.messageAttempt.listByMsg(app.id, msg.id);
    expect(attempts.data.map((a) => a.id)).toContain(last.id);

    const exhausted = await waitForEvent(about("message.attempt.exhausted", "msgId", msg.id));
    expect(receiver.received).toHaveLength(5);
    expect(exhausted.data).toMatchObject({ endpointId: ep.id, lastAttempt: { responseStatusCode: 500 } });
    const events = verified(ops, opsSecret).filter((e) => e.data.msgId === msg.id);
    expect(events.map((e) => e.type).sort()).toEqual(["message.attempt.exhausted", "message.attempt.failing"]);
  }, 30_000);

  it("sends message.attempt.recovered when a failing delivery succeeds", async () => {
    const app = await svix.application.create({ name: "Recovering" });
    const receiver = await track(startReceiver());
    receiver.respond((_req, n) => ({ status: n <= 4 ? 503 : 200 }));
    const ep = await svix.endpoint.create(app.id, { url: receiver.url });
    const msg = await svix.message.create(app.id, { eventType: "invoice.paid", payload: { n: 2 } });

    await waitForEvent(about("message.attempt.failing", "msgId", msg.id));
    const recovered = await waitForEvent(about("message.attempt.recovered", "msgId", msg.id));
    expect(recovered.data).toMatchObject({ appId: app.id, endpointId: ep.id, msgEventId: null });
    expect((recovered.data.lastAttempt as { responseStatusCode: number }).responseStatusCode).toBe(200);
    expect(verified(ops, opsSecret).some(about("message.attempt.exhausted", "msgId", msg.id))).toBe(false);
  }, 30_000);

  it("reports an endpoint disabled automatically after a 410, with its failure start", async () => {
    const app = await svix.application.create({ name: "Gone" });
    const receiver = await track(startReceiver());
    receiver.respond(() => ({ status: 410 }));
    const ep = await svix.endpoint.create(app.id, { url: receiver.url });
    await svix.message.create(app.id, { eventType: "invoice.paid", payload: {} });

    const disabled = await waitForEvent(about("endpoint.disabled", "endpointId", ep.id));
    expect(disabled.data).toMatchObject({ appId: app.id, trigger: "automatic" });
    expect(Date.parse(disabled.data.failSince as string)).toBeGreaterThan(0);
    expect((await svix.endpoint.get(app.id, ep.id)).disabled).toBe(true);
  });

  it("filters by eventTypes and never reports on an operational endpoint itself", async () => {
    // A broken operational endpoint: its own failures (four of them, then exhaustion) must not
    // become events, or every event would breed more.
    const broken = await track(startReceiver());
    broken.respond(() => ({ status: 500 }));
    const brokenEp = await svix.operationalWebhook.endpoint.create({ url: broken.url });
    const filtered = await track(startReceiver());
    const filteredEp = await svix.operationalWebhook.endpoint.create({ url: filtered.url, eventTypes: ["endpoint.deleted"] });
    const filteredSecret = (await svix.operationalWebhook.endpoint.getSecret(filteredEp.id)).key;

    const app = await svix.application.create({ name: "Filtered" });
    const ep = await svix.endpoint.create(app.id, { url: "https://hooks.example.com/f" });
    await svix.endpoint.delete(app.id, ep.id);
    await waitForEvent(about("endpoint.deleted", "endpointId", ep.id), filtered, filteredSecret);
    await waitForEvent(about("endpoint.deleted", "endpointId", ep.id));
    expect(verified(filtered, filteredSecret).map((e) => e.type)).toEqual(["endpoint.deleted"]);

    // Two events, five attempts each at one a second: long past the broken endpoint's exhaustion.
    await broken.waitFor(10, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const aboutBroken = verified(ops, opsSecret).filter((e) => e.data.endpointId === brokenEp.id);
    expect(aboutBroken).toEqual([]);
    const attempts = await fetch(`${server.url}/api/v1/operational-webhook/endpoint/${brokenEp.id}/attempt`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(((await attempts.json()) as { data: { responseStatusCode: number }[] }).data.length).toBeGreaterThanOrEqual(5);
    await svix.operationalWebhook.endpoint.delete(brokenEp.id);
    await svix.operationalWebhook.endpoint.delete(filteredEp.id);
  }, 40_000);

  it("sends inbound.source.failing after repeated bad signatures", async () => {
    const app = await svix.application.create({ name: "Inbound", uid: "inbound-ops" });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/source`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "GitHub", provider: "github", config: { secret: "gh-webhook-secret" } }),
    });
    expect(res.status).toBe(201);
    const source = (await res.json()) as { id: string; ingestUrl: string };
    for (let i = 0; i < 3; i++) {
      const forged = await fetch(source.ingestUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "sha256=" + "0".repeat(64) },
        body: JSON.stringify({ i }),
      });
      expect(forged.status).toBe(401);
    }
    const event = await waitForEvent(about("inbound.source.failing", "sourceId", source.id));
    expect(event.data).toMatchObject({ appId: app.id, appUid: "inbound-ops", provider: "github", consecutiveFailures: 3 });
  });
});
