import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

describeEachStore("API keys (%s)", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ trustProxy: "true", tokenUsageFlushMs: 60_000 }, kind);
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

  it("creates, gets, lists, updates and revokes a scoped key, never returning its secret again", async () => {
    const app = (await api("POST", "/api/v1/app", { name: "crm", uid: "crm" })).body;
    const created = await api("POST", "/api/v1/token", {
      name: "crm sync",
      appId: "crm",
      scopes: ["app:read", "message:create"],
      allowedIps: ["203.0.113.0/24"],
      expiresIn: 3600,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "crm sync",
      kind: "key",
      appId: app.id,
      scopes: ["app:read", "message:create"],
      allowedIps: ["203.0.113.0/24"],
      readOnly: false,
      requestCount: 0,
    });
    expect(created.body.token).toMatch(/^hr_/);
    const got = await api("GET", `/api/v1/token/${created.body.id}`);
    expect(got.body).not.toHaveProperty("token");
    expect(JSON.stringify((await api("GET", "/api/v1/token?limit=250")).body)).not.toContain(created.body.token);

    const patched = await api("PATCH", `/api/v1/token/${created.body.id}`, { name: "crm", scopes: ["app:read"], allowedIps: null, expiresAt: null });
    expect(patched.body).toMatchObject({ name: "crm", scopes: ["app:read"], allowedIps: null, expiresAt: null });
    expect((await api("POST", "/api/v1/app/crm/msg", { eventType: "e", payload: {} }, created.body.token)).body.code).toBe("insufficient_scope");

    expect((await api("DELETE", `/api/v1/token/${created.body.id}`)).status).toBe(204);
    expect((await api("GET", "/api/v1/app/crm", undefined, created.body.token)).status).toBe(401);
    expect((await api("GET", `/api/v1/token/${created.body.id}`)).status).toBe(404);
  });

  it("refuses unknown scopes (422), bad addresses and admin on a key limited to one application", async () => {
    await api("POST", "/api/v1/app", { name: "x", uid: "scoped-x" });
    expect((await api("POST", "/api/v1/token", { name: "k", scopes: ["root"] })).status).toBe(422);
    expect((await api("POST", "/api/v1/token", { name: "k", allowedIps: ["10.0.0.0/33"] })).body.code).toBe("invalid_cidr");
    expect((await api("POST", "/api/v1/token", { name: "k", appId: "scoped-x", scopes: ["admin"] })).body.code).toBe("invalid_scopes");
  });

  it("judges the allowlist on the client address Fastify resolves (X-Forwarded-For with trustProxy)", async () => {
    const key = (await api("POST", "/api/v1/token", { name: "office", allowedIps: ["198.51.100.0/24", "2001:db8::/32"] })).body.token;
    const from = (ip: string) => api("GET", "/api/v1/app", undefined, key, { "x-forwarded-for": ip });
    expect((await from("198.51.100.20")).status).toBe(200);
    expect((await from("2001:db8::1")).status).toBe(200);
    expect(await from("192.0.2.1")).toMatchObject({ status: 403, body: { code: "ip_not_allowed" } });
  });

  it("rotates a key: both secrets work during the grace period, then only the new one", async () => {
    const created = (await api("POST", "/api/v1/token", { name: "rotating" })).body;
    const rotated = await api("POST", `/api/v1/token/${created.id}/rotate`, { graceSeconds: 1 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.id).toBe(created.id);
    expect(rotated.body.token).not.toBe(created.token);
    expect(rotated.body.previousExpiresAt).not.toBeNull();
    expect((await api("GET", "/api/v1/app", undefined, created.token)).status).toBe(200);
    expect((await api("GET", "/api/v1/app", undefined, rotated.body.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await api("GET", "/api/v1/app", undefined, created.token)).status).toBe(401);
    expect((await api("GET", "/api/v1/app", undefined, rotated.body.token)).status).toBe(200);
    // Without a grace period the old secret stops at once.
    const again = await api("POST", `/api/v1/token/${created.id}/rotate`, { graceSeconds: 0 });
    expect((await api("GET", "/api/v1/app", undefined, rotated.body.token)).status).toBe(401);
    expect((await api("GET", "/api/v1/app", undefined, again.body.token)).status).toBe(200);
  });

  it("stops accepting a key once it expires", async () => {
    const created = (await api("POST", "/api/v1/token", { name: "short" })).body;
    expect((await api("GET", "/api/v1/app", undefined, created.token)).status).toBe(200);
    await api("PATCH", `/api/v1/token/${created.id}`, { expiresAt: new Date(Date.now() + 300).toISOString() });
    expect((await api("GET", "/api/v1/app", undefined, created.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect((await api("GET", "/api/v1/app", undefined, created.token)).status).toBe(401);
  });

  it("counts usage in memory and writes it in one batch per key", async () => {
    const created = (await api("POST", "/api/v1/token", { name: "counted" })).body;
    for (let i = 0; i < 5; i++) await api("GET", "/api/v1/app", undefined, created.token, { "x-forwarded-for": "192.0.2.55" });
    // Nothing is written per request: the flush interval (60 s here) has not passed.
    expect((await api("GET", `/api/v1/token/${created.id}`)).body).toMatchObject({ requestCount: 0, lastUsedAt: null });
    await t.services.tokens.usage.flush();
    const after = (await api("GET", `/api/v1/token/${created.id}`)).body;
    expect(after).toMatchObject({ requestCount: 5, lastUsedIp: "192.0.2.55" });
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("keeps key management, application create and delete to admin keys", async () => {
    const writer = (await api("POST", "/api/v1/token", { name: "writer", scopes: ["app:read", "app:write", "message:create"] })).body.token;
    expect((await api("GET", "/api/v1/token", undefined, writer)).body.code).toBe("insufficient_scope");
    expect((await api("POST", "/api/v1/token", { name: "escalate" }, writer)).status).toBe(403);
    expect((await api("POST", "/api/v1/app", { name: "n", uid: "new-by-writer" }, writer)).status).toBe(403);
    expect((await api("PUT", "/api/v1/app/new-by-writer", { name: "n" }, writer)).status).toBe(403);
    await api("POST", "/api/v1/app", { name: "d", uid: "keep-me" });
    expect((await api("DELETE", "/api/v1/app/keep-me", undefined, writer)).status).toBe(403);
    expect((await api("GET", "/api/v1/app/keep-me", undefined, writer)).status).toBe(200);
  });

  it("tells a token about itself (whoami), and lets only portal sessions log out", async () => {
    const who = await api("GET", "/api/v1/auth/whoami");
    expect(who.body).toMatchObject({ kind: "key", appId: null, scopes: ["admin"], readOnly: false });
    expect((await api("POST", "/api/v1/auth/logout")).body.code).toBe("not_a_session");
    expect((await api("GET", "/api/v1/app")).status).toBe(200);
  });

  it("expires an application's portal sessions, optionally by session id, leaving its keys alone", async () => {
    const app = (await api("POST", "/api/v1/app", { name: "p", uid: "portal-app" })).body;
    const open = async (sessionId: string) =>
      (await api("POST", `/api/v1/auth/app-portal-access/${app.id}`, { sessionId })).body.token as string;
    const [a, b] = [await open("user_a"), await open("user_b")];
    const key = (await api("POST", "/api/v1/token", { name: "k", appId: app.id })).body.token;
    expect((await api("POST", `/api/v1/auth/app/${app.id}/expire-all`, { sessionIds: ["user_a"] })).status).toBe(204);
    expect((await api("GET", `/api/v1/app/${app.id}`, undefined, a)).status).toBe(401);
    expect((await api("GET", `/api/v1/app/${app.id}`, undefined, b)).status).toBe(200);
    expect((await api("POST", `/api/v1/auth/app/${app.id}/expire-all`, {})).status).toBe(204);
    expect((await api("GET", `/api/v1/app/${app.id}`, undefined, b)).status).toBe(401);
    expect((await api("GET", `/api/v1/app/${app.id}`, undefined, key)).status).toBe(200);
  });
});

describe("first start", () => {
  it("counts only admin keys as the admin token main.ts looks for", async () => {
    const t = await startTestApp();
    try {
      const { tokens } = t.services;
      await tokens.revoke(CLI_ACTOR, (await tokens.authenticate(t.token)).tokenId);
      await tokens.create(CLI_ACTOR, { name: "reader", scopes: ["app:read"] });
      expect(await tokens.hasAdminToken()).toBe(false);
      await tokens.create(CLI_ACTOR, { name: "admin" });
      expect(await tokens.hasAdminToken()).toBe(true);
    } finally {
      await t.close();
    }
  });
});
