import { createHmac, randomUUID } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { RetentionJob } from "../../worker/retention.js";

/*
 * POST /api/v1/app/{app}/source/{src}/request/{id}/retry through app.inject() on every store:
 * an accepted call becomes one more message per re-process, each recorded as its own link; a
 * rejected call (a forgery, as far as anyone can tell) is relayed only when an unscoped token
 * forces it; an Idempotency-Key makes a repeated re-process answer with the first result.
 */

const SECRET = "careem_secret_key";

function careemHeaders(body: string, secret = SECRET): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    "content-type": "application/json",
    "x-careem-timestamp": ts,
    "x-careem-signature": createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex"),
  };
}

const order = () => JSON.stringify({ event_type: "order.created", data: { order: { id: randomUUID() } } });

describeEachStore("inbound re-process on %s", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });

  afterAll(async () => {
    await t.close();
  });

  async function api(
    url: string,
    init: { method?: string; payload?: object; headers?: Record<string, string> } = {},
  ) {
    const res = await t.app.inject({
      method: (init.method ?? "GET") as "GET",
      url,
      headers: { ...t.auth, ...init.headers },
      ...(init.payload !== undefined ? { payload: init.payload } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
  }

  /** A Careem source in a new application, and its API base path. */
  async function careemSource() {
    const app = await api("/api/v1/app", { method: "POST", payload: { name: "reprocess" } });
    const src = await api(`/api/v1/app/${app.body.id}/source`, {
      method: "POST",
      payload: { name: "careem", provider: "careem", config: { secret: SECRET } },
    });
    expect(src.status).toBe(201);
    return {
      appId: app.body.id as string,
      srcId: src.body.id as string,
      base: `/api/v1/app/${app.body.id}/source/${src.body.id}`,
    };
  }

  async function ingest(srcId: string, body: string, secret = SECRET) {
    return t.app.inject({
      method: "POST",
      url: `/ingest/${srcId}`,
      payload: body,
      headers: careemHeaders(body, secret),
    });
  }

  async function messageIds(appId: string): Promise<string[]> {
    const rows = await t.store.db
      .selectFrom("messages")
      .select("id")
      .where("app_id", "=", appId)
      .orderBy("id")
      .execute();
    return rows.map((r) => r.id);
  }

  async function rejectedRequest(srcId: string, base: string): Promise<string> {
    const refused = await ingest(srcId, order(), "a forger's guess");
    expect(refused.statusCode).toBe(401);
    const log = await api(`${base}/request?status=rejected&limit=1`);
    expect(log.body.data[0].reason).toBe("invalid_signature");
    return log.body.data[0].id as string;
  }

  it("makes a new message per re-process of an accepted call, each its own link, the first kept", async () => {
    const { appId, srcId, base } = await careemSource();
    const accepted = (await ingest(srcId, order())).json() as { id: string; msgId: string };
    const first = await api(`${base}/request/${accepted.id}/retry`, { method: "POST" });
    const second = await api(`${base}/request/${accepted.id}/retry`, { method: "POST", payload: {} });
    for (const res of [first, second]) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ requestId: accepted.id, forced: false, actorName: "test-admin" });
    }
    expect(new Set([accepted.msgId, first.body.msgId, second.body.msgId]).size).toBe(3);
    expect(await messageIds(appId)).toEqual([accepted.msgId, first.body.msgId, second.body.msgId].sort());

    const detail = await api(`${base}/request/${accepted.id}`);
    expect(detail.body).toMatchObject({ status: "accepted", msgId: accepted.msgId });
    expect(detail.body.reprocesses).toEqual([first.body, second.body]);
    const listed = await api(`${base}/request?limit=1`);
    expect(listed.body.data[0]).toMatchObject({ id: accepted.id, msgId: accepted.msgId });
    expect(listed.body.data[0].retriedAt).toBe(second.body.createdAt);
  });

  it("refuses a rejected call without force, with a JSON 409 naming the rejection", async () => {
    const { appId, srcId, base } = await careemSource();
    const reqId = await rejectedRequest(srcId, base);
    for (const payload of [undefined, {}, { force: false }]) {
      const res = await api(`${base}/request/${reqId}/retry`, {
        method: "POST",
        ...(payload ? { payload } : {}),
      });
      expect(res.status, JSON.stringify(payload)).toBe(409);
      expect(res.body.code).toBe("request_rejected");
      expect(res.body.detail).toContain("invalid_signature");
    }
    expect(await messageIds(appId)).toEqual([]);
    expect((await api(`${base}/request/${reqId}`)).body).toMatchObject({
      msgId: null,
      reprocesses: [],
      retriedAt: null,
    });
  });

  it("forces a rejected call through for an API key with inbound:manage only, and records it as forced", async () => {
    const { appId, srcId, base } = await careemSource();
    const reqId = await rejectedRequest(srcId, base);
    // A writable consumer-portal session of the same application may re-process, but not force.
    const portal = await api(`/api/v1/auth/app-portal-access/${appId}`, { method: "POST", payload: {} });
    const reader = await t.services.tokens.create(CLI_ACTOR, { name: "reader", appId, scopes: ["app:read", "app:write"] });
    for (const token of [portal.body.token as string, reader.token]) {
      const denied = await api(`${base}/request/${reqId}/retry`, {
        method: "POST",
        payload: { force: true },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: "insufficient_scope" });
    }
    expect(await messageIds(appId)).toEqual([]);

    const forced = await api(`${base}/request/${reqId}/retry`, { method: "POST", payload: { force: true } });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ requestId: reqId, forced: true, actorName: "test-admin" });
    expect(await messageIds(appId)).toEqual([forced.body.msgId]);
    const detail = await api(`${base}/request/${reqId}`);
    // Still logged as what it was: rejected, with no message of its own.
    expect(detail.body).toMatchObject({ status: "rejected", reason: "invalid_signature", msgId: null });
    expect(detail.body.reprocesses).toEqual([forced.body]);
  });

  it("lets a scoped token re-process an accepted call of its own application", async () => {
    const { appId, srcId, base } = await careemSource();
    const accepted = (await ingest(srcId, order())).json() as { id: string };
    const scoped = await t.services.tokens.create(CLI_ACTOR, { name: "portal", appId });
    const res = await api(`${base}/request/${accepted.id}/retry`, {
      method: "POST",
      headers: { authorization: `Bearer ${scoped.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ forced: false, actorName: "portal", actorTokenId: scoped.id });
  });

  it("re-processes a duplicate (it passed verification) without force", async () => {
    const { srcId, base } = await careemSource();
    const body = order();
    await ingest(srcId, body);
    const duplicate = (await ingest(srcId, body)).json() as { id: string; status: string };
    expect(duplicate.status).toBe("duplicate");
    const res = await api(`${base}/request/${duplicate.id}/retry`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.body.forced).toBe(false);
  });

  it("answers a repeated re-process with the same Idempotency-Key with the first result, one message", async () => {
    const { appId, srcId, base } = await careemSource();
    const accepted = (await ingest(srcId, order())).json() as { id: string; msgId: string };
    const url = `${base}/request/${accepted.id}/retry`;
    const key = { "idempotency-key": `rp-${randomUUID()}` };
    const first = await api(url, { method: "POST", headers: key });
    const again = await api(url, { method: "POST", headers: key });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    // Several at once with one key: the transaction's idempotency record lets one through.
    const racing = { "idempotency-key": `rp-${randomUUID()}` };
    const together = await Promise.all([1, 2, 3].map(() => api(url, { method: "POST", headers: racing })));
    expect(together.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(together.map((r) => r.body.id)).size).toBe(1);

    expect(await messageIds(appId)).toHaveLength(3);
    const detail = await api(`${base}/request/${accepted.id}`);
    expect(detail.body.reprocesses.map((l: { id: string }) => l.id)).toEqual([
      first.body.id,
      together[0]!.body.id,
    ]);
    // A forced re-process is idempotent the same way.
    const reqId = await rejectedRequest(srcId, base);
    const forceKey = { "idempotency-key": `rp-${randomUUID()}` };
    const forcedUrl = `${base}/request/${reqId}/retry`;
    const f1 = await api(forcedUrl, { method: "POST", payload: { force: true }, headers: forceKey });
    const f2 = await api(forcedUrl, { method: "POST", payload: { force: true }, headers: forceKey });
    expect(f2.body).toEqual(f1.body);
    expect(await messageIds(appId)).toHaveLength(4);
  });

  it("answers bad input with a JSON 4xx and changes nothing", async () => {
    const { appId, srcId, base } = await careemSource();
    const accepted = (await ingest(srcId, order())).json() as { id: string };
    for (const payload of [{ force: "yes" }, { force: 1 }, [true], "force"]) {
      const res = await t.app.inject({
        method: "POST",
        url: `${base}/request/${accepted.id}/retry`,
        headers: { ...t.auth, "content-type": "application/json" },
        payload: JSON.stringify(payload),
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(422);
      expect(res.json()).toHaveProperty("detail");
    }
    const missing = await api(`${base}/request/req_0000000000000000000000/retry`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "not_found" });
    expect(await messageIds(appId)).toHaveLength(1);
  });

  it("drops the links with their request when retention prunes the log", async () => {
    const { srcId, base } = await careemSource();
    const accepted = (await ingest(srcId, order())).json() as { id: string };
    expect((await api(`${base}/request/${accepted.id}/retry`, { method: "POST" })).status).toBe(200);
    await t.store.db
      .updateTable("inbound_requests")
      .set({ received_at: 1 })
      .where("id", "=", accepted.id)
      .execute();
    await new RetentionJob({ store: t.store, config: t.config }).runOnce();
    const links = await t.store.db
      .selectFrom("inbound_reprocesses")
      .select("id")
      .where("request_id", "=", accepted.id)
      .execute();
    expect(links).toEqual([]);
  });
});
