import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

const BODY = '{"type":"invoice.paid","id":9007199254740993}';

describeEachStore("POST /api/v1/verify on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: "GET" | "POST", url: string, payload?: object, headers = t.auth) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  // Signed with the standardwebhooks reference library, as a receiver's sender would.
  const signedHeaders = (secret: string, id = "msg_v1") => {
    const now = new Date();
    return { "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, now, BODY) };
  };

  it("checks a request against the endpoint's current and grace-period secrets, naming the one that matched", async () => {
    expect((await call("POST", "/api/v1/app", { name: "V", uid: "verify-app" })).statusCode).toBe(201);
    const ep = (await call("POST", "/api/v1/app/verify-app/endpoint", { url: "https://example.com/hook", uid: "verify-ep" })).json<{ id: string }>();
    const secret = (await call("GET", `/api/v1/app/verify-app/endpoint/${ep.id}/secret`)).json<{ key: string }>().key;
    const old = signedHeaders(secret);

    let r = await call("POST", "/api/v1/verify", { appId: "verify-app", endpointId: "verify-ep", headers: old, body: BODY });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ valid: true, reason: "ok", signatures: [{ version: "v1", matchedKey: "current" }], signedContent: `msg_v1.${old["webhook-timestamp"]}.${BODY}` });
    expect(r.body).not.toContain(secret.slice(6));

    expect((await call("POST", `/api/v1/app/verify-app/endpoint/${ep.id}/secret/rotate`, {})).statusCode).toBe(204);
    r = await call("POST", "/api/v1/verify", { appId: "verify-app", endpointId: ep.id, headers: old, body: BODY });
    expect(r.json()).toMatchObject({ valid: true, signatures: [{ matchedKey: "previous 1" }] });

    r = await call("POST", "/api/v1/verify", { appId: "verify-app", endpointId: ep.id, headers: old, body: BODY.replace("993", "992") });
    expect(r.json()).toMatchObject({ valid: false, reason: "no_match" });
    expect(r.json<{ detail: string }>().detail).toMatch(/raw bytes/);
  });

  it("checks with a given secret, and refuses ambiguous or incomplete input with a 422", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const r = await call("POST", "/api/v1/verify", { secret, headers: signedHeaders(secret), body: BODY });
    expect(r.json()).toMatchObject({ valid: true, signatures: [{ matchedKey: "given secret" }] });
    for (const bad of [
      { secret, endpointId: "ep", appId: "a", headers: {}, body: "" },
      { endpointId: "ep", headers: {}, body: "" },
      { headers: {}, body: "" },
      { secret, headers: { a: 1 }, body: "" },
      { secret, headers: {}, body: "", extra: true },
    ]) {
      const res = await call("POST", "/api/v1/verify", bad);
      // Svix's validation error shape: 422 with the failing locations in `detail`.
      expect(res.statusCode, JSON.stringify(bad)).toBe(422);
      expect(res.json<{ detail: unknown[] }>().detail.length).toBeGreaterThan(0);
    }
  });

  it("does not let a key bound to another application use this application's endpoint", async () => {
    expect((await call("POST", "/api/v1/app", { name: "Other", uid: "verify-other" })).statusCode).toBe(201);
    const key = await call("POST", "/api/v1/token", { name: "other only", appId: "verify-other", scopes: ["app:read"] });
    expect(key.statusCode, key.body).toBe(201);
    const headers = { authorization: `Bearer ${key.json<{ token: string }>().token}` };
    const r = await call("POST", "/api/v1/verify", { appId: "verify-app", endpointId: "verify-ep", headers: {}, body: "" }, headers);
    expect(r.statusCode).toBe(404);
  });
});
