import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLI_ACTOR } from "../services/principal.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";

/** Regression tests for the findings of the "Trust" issue (1, 2 and 7). */
describeEachStore("trust findings (%s)", (kind) => {
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp({ publicUrl: "https://hooks.example.com/" }, kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function api(method: string, url: string, payload?: object, token = t.token, headers: Record<string, string> = {}) {
    const res = await t.app.inject({
      method: method as "GET",
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload !== undefined ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  }

  async function newApp() {
    const uid = `tenant-${++n}`;
    const res = await api("POST", "/api/v1/app", { name: uid, uid });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, uid };
  }

  async function portal(appId: string, body: object = {}) {
    const res = await api("POST", `/api/v1/auth/app-portal-access/${appId}`, body);
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  describe("finding 1: a tenant cannot take another tenant's uid", () => {
    it("refuses a uid change from an application key and from portal sessions, and get-or-create then makes a new app", async () => {
      const mine = await newApp();
      const key = (await t.services.tokens.create(CLI_ACTOR, { name: "crm", appId: mine.id })).token;
      const writable = await portal(mine.id);
      const readOnly = await portal(mine.id, { readOnly: true });
      for (const [token, code] of [
        [key, "insufficient_scope"],
        [writable, "insufficient_scope"],
        [readOnly, "read_only"],
      ] as const) {
        const patch = await api("PATCH", `/api/v1/app/${mine.id}`, { uid: "victim-corp" }, token);
        expect(patch).toMatchObject({ status: 403, body: { code } });
        const put = await api("PUT", `/api/v1/app/${mine.id}`, { name: "x", uid: "victim-corp" }, token);
        expect(put).toMatchObject({ status: 403, body: { code } });
      }
      // Sending the current uid back unchanged (as SDKs do with PUT) is still fine.
      expect((await api("PUT", `/api/v1/app/${mine.uid}`, { name: "renamed", uid: mine.uid }, key)).status).toBe(200);

      const operator = await api("POST", "/api/v1/app?get_if_exists=true", { name: "Victim Corp", uid: "victim-corp" });
      expect(operator.status).toBe(201);
      expect(operator.body.id).not.toBe(mine.id);
      expect((await api("GET", `/api/v1/app/${mine.id}`)).body.uid).toBe(mine.uid);
    });

    it("still lets an admin key change a uid", async () => {
      const app = await newApp();
      const res = await api("PATCH", `/api/v1/app/${app.id}`, { uid: `${app.uid}-renamed` });
      expect(res).toMatchObject({ status: 200, body: { uid: `${app.uid}-renamed` } });
    });
  });

  describe("finding 2: a readOnly portal session cannot write", () => {
    it("refuses endpoint create, secret rotation, source secret replacement, message create and rename", async () => {
      const app = await newApp();
      const ep = await api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://example.com/h" });
      const src = await api("POST", `/api/v1/app/${app.id}/source`, { name: "gh", provider: "github", config: { secret: "original-secret" } });
      expect([ep.status, src.status]).toEqual([201, 201]);
      const token = await portal(app.uid, { readOnly: true });
      const attempts = [
        api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://evil.example.com/h" }, token),
        api("POST", `/api/v1/app/${app.id}/endpoint/${ep.body.id}/secret/rotate`, {}, token),
        api("PUT", `/api/v1/app/${app.id}/source/${src.body.id}`, { name: "gh", provider: "github", config: { secret: "attacker" } }, token),
        api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "order.created", payload: {} }, token),
        api("PATCH", `/api/v1/app/${app.id}`, { name: "pwned" }, token),
      ];
      for (const res of await Promise.all(attempts)) expect(res).toMatchObject({ status: 403, body: { code: "read_only" } });

      expect((await api("GET", `/api/v1/app/${app.id}/endpoint`, undefined, token)).body.data).toHaveLength(1);
      expect((await api("GET", `/api/v1/app/${app.id}`, undefined, token)).body.name).toBe(app.uid);
      expect((await api("GET", `/api/v1/app/${app.id}/msg`)).body.data).toHaveLength(0);
      const who = await api("GET", "/api/v1/auth/whoami", undefined, token);
      expect(who.body).toMatchObject({ kind: "portal", readOnly: true, appId: app.id, scopes: ["app:read"] });
      // Reading the signing secret is a write-level right; a read-only session does not get it.
      expect((await api("GET", `/api/v1/app/${app.id}/endpoint/${ep.body.id}/secret`, undefined, token)).status).toBe(403);
    });

    it("treats a Svix capability set without any Manage/Create capability as read-only", async () => {
      const app = await newApp();
      const token = await portal(app.id, { capabilities: ["ViewBase", "ViewEndpointSecret"] });
      expect((await api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://example.com/h" }, token)).status).toBe(403);
      const writable = await portal(app.id, { capabilities: ["ViewBase", "ManageEndpoint"] });
      expect((await api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://example.com/h" }, writable)).status).toBe(201);
    });
  });

  describe("finding 7: HTTP edges", () => {
    it("authenticates a percent-encoded path like the route it reaches", async () => {
      const anon = await t.app.inject({ method: "GET", url: "/%61pi/v1/app" });
      expect(anon.statusCode).toBe(401);
      expect(anon.json().code).toBe("authentication_failed");
      expect((await api("GET", "/%61pi/v1/app")).status).toBe(200);
      expect((await t.app.inject({ method: "POST", url: "/api/v1/%61pp", payload: { name: "x" } })).statusCode).toBe(401);
    });

    it("pages the retry queue with an iterator instead of answering 500", async () => {
      const app = await newApp();
      await api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://example.com/h" });
      for (let i = 0; i < 3; i++) await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "e", payload: { i } });
      await t.expand(); // no worker here: the fan-out step writes the pending deliveries
      const first = await api("GET", `/api/v1/app/${app.id}/queue?status=pending&limit=2`);
      expect(first.status).toBe(200);
      expect(first.body.data).toHaveLength(2);
      const next = await api("GET", `/api/v1/app/${app.id}/queue?status=pending&limit=2&iterator=${first.body.iterator}`);
      expect(next.status).toBe(200);
      expect(next.body.data).toHaveLength(1);
      const foreign = await api("GET", `/api/v1/app/${app.id}/queue?status=pending&iterator=msg_whatever`);
      expect(foreign.status).toBe(200);
    });

    it("applies the uid pattern to PUT /api/v1/app/{uid}", async () => {
      for (const uid of ["%C3%A9", "__proto__", "a%20b"]) {
        const res = await api("PUT", `/api/v1/app/${uid}`, { name: "x" });
        expect(res.status, uid).toBe(400);
      }
      expect((await api("GET", "/api/v1/app?limit=250")).body.data.map((a: { uid: string }) => a.uid)).not.toContain("é");
    });

    it("answers an application key the same 404 for another tenant's uid whether or not it exists", async () => {
      const mine = await newApp();
      const theirs = await newApp();
      const key = (await t.services.tokens.create(CLI_ACTOR, { name: "crm", appId: mine.id })).token;
      const existing = await api("PUT", `/api/v1/app/${theirs.uid}`, { name: "x" }, key);
      const missing = await api("PUT", `/api/v1/app/nobody-${n}`, { name: "x" }, key);
      expect(existing).toEqual(missing);
      expect(existing.status).toBe(404);
      expect((await api("GET", `/api/v1/app/nobody-${n}`)).status).toBe(404);
    });

    it("builds portal URLs from HOOKRELAY_PUBLIC_URL, never from the Host header", async () => {
      const app = await newApp();
      const res = await api("POST", `/api/v1/auth/app-portal-access/${app.id}`, {}, t.token, {
        host: "attacker.example",
        "x-forwarded-host": "attacker.example",
      });
      expect(res.body.url).toBe(`https://hooks.example.com/portal#token=${res.body.token}`);
    });

    it("serves the public list without a token: OpenAPI document, docs, health", async () => {
      const doc = await t.app.inject({ method: "GET", url: "/openapi.json" });
      expect(doc.statusCode).toBe(200);
      expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(["/api/v1/auth/whoami", "/api/v1/token/{token_id}/rotate"]));
      expect((await t.app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
      expect((await t.app.inject({ method: "GET", url: "/api/v1/health" })).statusCode).toBe(204);
    });

    it("answers GET /api/v1/health/ping like Svix's health, without a token", async () => {
      const res = await t.app.inject({ method: "GET", url: "/api/v1/health/ping" });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe("");
    });
  });
});

describe("public URLs without HOOKRELAY_PUBLIC_URL", () => {
  it("use the listen address, not the Host header, for portal and ingest URLs", async () => {
    const t = await startTestApp({ host: "127.0.0.1", port: 0 });
    try {
      await t.app.listen({ host: "127.0.0.1", port: 0 });
      const port = (t.app.server.address() as { port: number }).port;
      const headers = { ...t.auth, host: "attacker.example" };
      const app = (await t.app.inject({ method: "POST", url: "/api/v1/app", headers, payload: { name: "a", uid: "a" } })).json();
      const portal = (await t.app.inject({ method: "POST", url: `/api/v1/auth/app-portal-access/${app.id}`, headers })).json();
      expect(portal.url.startsWith(`http://127.0.0.1:${port}/portal#token=`)).toBe(true);
      const src = await t.app.inject({
        method: "POST",
        url: `/api/v1/app/${app.id}/source`,
        headers,
        payload: { name: "gh", provider: "github", config: { secret: "s3cret-s3cret" } },
      });
      expect(src.json().ingestUrl).toBe(`http://127.0.0.1:${port}/ingest/${src.json().id}`);
    } finally {
      await t.close();
    }
  });
});
