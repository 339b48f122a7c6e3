import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";

import { SCOPES } from "../contract/scopes.js";
import { CLI_ACTOR } from "../services/principal.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { isPublicRoute, routeTable } from "./auth.js";

/**
 * Every route the router has (read from the app itself, not a hand-written list) is tried with
 * each kind of credential that must not get through; the status is exact, and no table changes.
 */
describeEachStore("access to every route (%s)", (kind) => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    const api = async (method: string, url: string, payload?: object) => {
      const res = await t.app.inject({ method: method as "POST", url, headers: t.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.json();
    };
    ids.app_id = (await api("POST", "/api/v1/app", { name: "Tenant A", uid: "tenant-a" })).id;
    const other = (await api("POST", "/api/v1/app", { name: "Tenant B", uid: "tenant-b" })).id;
    ids.endpoint_id = (await api("POST", `/api/v1/app/${ids.app_id}/endpoint`, { url: "https://example.com/hook" })).id;
    ids.sink_id = (await api("POST", `/api/v1/app/${ids.app_id}/endpoint`, { polling: true })).id;
    ids.consumer_id = "reader";
    ids.msg_id = (await api("POST", `/api/v1/app/${ids.app_id}/msg`, { eventType: "order.created", payload: { a: 1 } })).id;
    ids.source_id = (
      await api("POST", `/api/v1/app/${ids.app_id}/source`, { name: "gh", provider: "github", config: { secret: "s3cret-s3cret" } })
    ).id;
    await api("POST", "/api/v1/event-type", { name: "order.created", description: "d" });
    ids.attempt_id = "atmpt_none";
    ids.req_id = "inreq_none";
    ids.task_id = "qtask_none";
    ids.event_type_name = "order.created";

    const { tokens: svc } = t.services;
    const revoked = await svc.create(CLI_ACTOR, { name: "revoked" });
    await svc.revoke(CLI_ACTOR, revoked.id);
    const expired = await svc.create(CLI_ACTOR, { name: "expired" });
    await svc.update(CLI_ACTOR, expired.id, { expiresAt: Date.now() - 1_000 });
    ids.token_id = revoked.id;
    tokens.revoked = revoked.token;
    tokens.expired = expired.token;
    tokens.otherApp = (await svc.create(CLI_ACTOR, { name: "tenant-b key", appId: other, scopes: SCOPES.filter((s) => s !== "admin") })).token;
    tokens.elsewhere = (await svc.create(CLI_ACTOR, { name: "office only", allowedIps: ["10.0.0.0/8"] })).token;
    const portal = await t.app.inject({
      method: "POST",
      url: `/api/v1/auth/app-portal-access/${ids.app_id}`,
      headers: t.auth,
      payload: { readOnly: true },
    });
    tokens.readOnly = portal.json().token;
    for (const scope of SCOPES) {
      const rest = SCOPES.filter((s) => s !== scope && s !== "admin");
      tokens[`without:${scope}`] = (await svc.create(CLI_ACTOR, { name: `without ${scope}`, scopes: rest })).token;
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  /** The rows a request could change, tokens reduced to what grants access (usage counters move). */
  async function snapshot(): Promise<string> {
    const db = t.store.db;
    const parts: unknown[] = [];
    for (const table of ["applications", "endpoints", "messages", "deliveries", "sources", "event_types", "inbound_requests", "poller_consumers"] as const) {
      parts.push(await sql`select * from ${sql.table(table)} order by 1`.execute(db).then((r) => r.rows));
    }
    parts.push(
      await db
        .selectFrom("tokens")
        .select(["id", "token_hash", "previous_hash", "revoked_at", "expires_at", "scopes", "read_only", "app_id", "name"])
        .orderBy("id")
        .execute(),
    );
    return JSON.stringify(parts);
  }

  /** A body each route accepts, so a refusal can only come from access control. */
  const BODIES: Record<string, object> = {
    "PUT /api/v1/app/:app_id": { name: "renamed" },
    "PATCH /api/v1/app/:app_id": { name: "renamed" },
    "POST /api/v1/app/:app_id/msg": { eventType: "order.created", payload: {} },
    "POST /api/v1/app/:app_id/msg/precheck/active": { eventType: "order.created" },
    "POST /api/v1/app/:app_id/endpoint": { url: "https://example.com/other" },
    "PUT /api/v1/app/:app_id/endpoint/:endpoint_id": { url: "https://example.com/other" },
    "PATCH /api/v1/app/:app_id/endpoint/:endpoint_id": { description: "x" },
    "PUT /api/v1/app/:app_id/endpoint/:endpoint_id/headers": { headers: {} },
    "PATCH /api/v1/app/:app_id/endpoint/:endpoint_id/headers": { headers: {} },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/secret/rotate": {},
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/recover": { since: new Date(0).toISOString() },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/bulk-replay": { since: new Date(0).toISOString() },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/replay-missing": { since: new Date(0).toISOString() },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/send-example": { eventType: "order.created" },
    "PATCH /api/v1/app/:app_id/endpoint/:endpoint_id/transformation": { enabled: false },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/transformation/simulate": {
      code: "function handler(w) { return w }",
      eventType: "order.created",
      payload: {},
    },
    "POST /api/v1/app/:app_id/endpoint/:endpoint_id/fifo/skip": {},
    "POST /api/v1/app/:app_id/source": { name: "x", provider: "github", config: { secret: "another-secret" } },
    "PUT /api/v1/app/:app_id/source/:source_id": { name: "x", provider: "github", config: { secret: "another-secret" } },
    "PATCH /api/v1/app/:app_id/source/:source_id": { name: "x" },
    "POST /api/v1/auth/app-portal-access/:app_id": {},
    "POST /api/v1/auth/app/:app_id/expire-all": {},
    "PUT /api/v1/app/:app_id/retry-schedule": { retrySchedule: [1] },
    "PUT /api/v1/app/:app_id/endpoint/:endpoint_id/retry-schedule": { retrySchedule: [1] },
    "PUT /api/v1/event-type/:event_type_name/retry-schedule": { retrySchedule: [1] },
    "POST /api/v1/operational-webhook/endpoint": { url: "https://example.com/ops" },
    "POST /ingest/api/v1/source": { name: "Stripe", type: "stripe", config: { secret: "whsec_x" } },
    "PUT /ingest/api/v1/source/:source_id": { name: "Stripe", type: "stripe", config: { secret: "whsec_x" } },
    "PATCH /ingest/api/v1/source/:source_id": { name: "renamed" },
    "POST /ingest/api/v1/source/:source_id/endpoint": { url: "https://example.com/ingest" },
    "PUT /ingest/api/v1/source/:source_id/endpoint/:endpoint_id": { url: "https://example.com/ingest" },
    "PUT /ingest/api/v1/source/:source_id/endpoint/:endpoint_id/headers": { headers: {} },
    "PATCH /ingest/api/v1/source/:source_id/endpoint/:endpoint_id/transformation": { enabled: false },
    "POST /ingest/api/v1/source/:source_id/endpoint/:endpoint_id/secret/rotate": {},
    "PUT /api/v1/operational-webhook/endpoint/:endpoint_id": { url: "https://example.com/ops" },
    "PUT /api/v1/operational-webhook/endpoint/:endpoint_id/headers": { headers: {} },
    "POST /api/v1/operational-webhook/endpoint/:endpoint_id/secret/rotate": {},
    "POST /api/v1/stats/usage/app": { since: new Date(0).toISOString(), until: new Date().toISOString() },
    "POST /api/v1/environment/import": { eventTypes: [] },
    "POST /api/v1/backup/export": {},
    "POST /api/v1/backup/import": { format: "hookrelay-backup", version: 1, secrets: "sealed", keyIds: [], tables: {} },
    "POST /api/v1/app/:app_id/poller/:sink_id/consumer/:consumer_id/seek": { after: new Date(0).toISOString() },
  };

  const call = (method: string, url: string, token: string | undefined, remoteAddress?: string) => {
    const path = url.replace(/:(\w+)/g, (_m, name: string) => ids[name] ?? `missing-${name}`);
    const body = BODIES[`${method} ${url}`];
    return t.app.inject({
      method: method as "GET",
      url: path,
      ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...(body && method !== "GET" && method !== "HEAD" ? { payload: body } : {}),
      ...(remoteAddress ? { remoteAddress } : {}),
    });
  };

  it("finds the routes in the router, each either public by the explicit list or declaring a scope", () => {
    const routes = routeTable(t.app);
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) {
      expect(r.scope === null, `${r.method} ${r.url}`).toBe(isPublicRoute(r.url));
      if (r.url.startsWith("/api/") && !r.url.startsWith("/api/v1/health")) expect(r.scope, r.url).not.toBeNull();
    }
  });

  it("refuses every non-public route to every credential that must not pass, and changes nothing", async () => {
    const before = await snapshot();
    const failures: string[] = [];
    const check = (label: string, method: string, url: string, status: number, code: string | undefined, res: { statusCode: number; body: string; json(): { code?: string } }) => {
      const got = res.statusCode === status && (code === undefined || res.json().code === code);
      if (!got) failures.push(`${method} ${url} ${label}: expected ${status} ${code ?? ""}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
    };
    const routes = routeTable(t.app).filter((r) => r.scope !== null);
    for (const { method, url, scope } of routes) {
      const write = method !== "GET" && method !== "HEAD";
      // HEAD answers carry no body to read a code from.
      const code = (c: string) => (method === "HEAD" ? undefined : c);
      check("no token", method, url, 401, code("authentication_failed"), await call(method, url, undefined));
      check("wrong token", method, url, 401, code("authentication_failed"), await call(method, url, "hr_not-a-real-token"));
      check("revoked key", method, url, 401, code("authentication_failed"), await call(method, url, tokens.revoked));
      check("expired key", method, url, 401, code("authentication_failed"), await call(method, url, tokens.expired));
      check("disallowed address", method, url, 403, code("ip_not_allowed"), await call(method, url, tokens.elsewhere, "192.0.2.7"));
      if (scope === "token") continue;
      if (url.includes(":app_id")) {
        const [status, c] = scope === "admin" ? [403, "insufficient_scope"] : [404, "not_found"];
        check("another application's key", method, url, status, code(c), await call(method, url, tokens.otherApp));
      }
      check("key lacking the scope", method, url, 403, code("insufficient_scope"), await call(method, url, tokens[`without:${scope}`]));
      if (write) check("read-only portal", method, url, 403, "read_only", await call(method, url, tokens.readOnly));
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("lets the office-only key in from its own network, judged on the client address", async () => {
    const res = await call("GET", "/api/v1/app", tokens.elsewhere, "10.1.2.3");
    expect(res.statusCode).toBe(200);
  });
});
