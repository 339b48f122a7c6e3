import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../src/test-support/harness.js";

/** Bad input always gets a 4xx JSON error, never a 5xx. */
describe("bad input", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.inject({ method: "POST", url: "/api/v1/app", headers: t.auth, payload: { name: "Bad", uid: "bad" } });
  });
  afterAll(async () => t.close());

  const json = { "content-type": "application/json" };

  it("rejects a missing or unknown token with 401 JSON", async () => {
    const none = await t.app.inject({ url: "/api/v1/app" });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: "authentication_failed" });
    const wrong = await t.app.inject({ url: "/api/v1/app", headers: { authorization: "Bearer nope" } });
    expect(wrong.statusCode).toBe(401);
  });

  it.each([
    ["malformed JSON", "{\"eventType\": ", json, 400],
    ["empty JSON body", "", json, 400],
    ["wrong content type", "eventType=x", { "content-type": "application/x-www-form-urlencoded" }, 415],
    ["text body", "hello", { "content-type": "text/plain" }, 415],
    ["JSON array", "[1,2]", json, 422],
    ["JSON null", "null", json, 422],
    ["unknown field", JSON.stringify({ eventType: "a", payload: {}, surprise: 1 }), json, 422],
    ["wrong field type", JSON.stringify({ eventType: 5, payload: {} }), json, 422],
    ["payload not an object", JSON.stringify({ eventType: "a", payload: "str" }), json, 422],
    ["bad eventType characters", JSON.stringify({ eventType: "a b", payload: {} }), json, 422],
    ["deeply nested garbage", JSON.stringify({ eventType: "a", payload: {}, channels: [{}] }), json, 422],
  ])("%s → %i JSON", async (_name, payload, headers, status) => {
    const r = await t.app.inject({ method: "POST", url: "/api/v1/app/bad/msg", headers: { ...t.auth, ...headers }, payload });
    expect(r.statusCode).toBe(status);
    const body = r.json();
    if (status === 422) {
      expect(Array.isArray(body.detail)).toBe(true);
      expect(body.detail[0]).toHaveProperty("loc");
    } else {
      expect(body).toHaveProperty("code");
      expect(body).toHaveProperty("detail");
    }
  });

  it("rejects JSON nested too deeply to store with 400 JSON, everywhere JSON is accepted", async () => {
    // JSON.parse accepts this; JSON.stringify of it overflows the stack.
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const posts = [
      ["/api/v1/app/bad/msg", `{"eventType":"a","payload":{"a":${deep}}}`],
      ["/api/v1/event-type", `{"name":"deep.x","description":"d","schemas":{"1":${deep}}}`],
      ["/api/v1/app", `{"name":"d","metadata":${deep}}`],
    ] as const;
    for (const [url, payload] of posts) {
      const r = await t.app.inject({ method: "POST", url, headers: { ...t.auth, ...json }, payload });
      expect(r.statusCode, url).toBe(400);
      expect(r.json()).toMatchObject({ code: "json_too_deep" });
    }
    // Nesting well within the limit is stored and returned as sent.
    const fine = { eventType: "a", payload: { a: JSON.parse("[".repeat(100) + "]".repeat(100)) as unknown } };
    const ok = await t.app.inject({ method: "POST", url: "/api/v1/app/bad/msg", headers: t.auth, payload: fine });
    expect(ok.statusCode).toBe(202);
    expect(ok.json().payload).toEqual(fine.payload);
  });

  it("rejects a body over the 1 MiB limit with 413 JSON", async () => {
    const big = JSON.stringify({ eventType: "a", payload: { blob: "x".repeat(1024 * 1024) } });
    const r = await t.app.inject({ method: "POST", url: "/api/v1/app/bad/msg", headers: { ...t.auth, ...json }, payload: big });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("answers unknown routes and bad iterators with 4xx JSON", async () => {
    const r = await t.app.inject({ url: "/api/v1/nope", headers: t.auth });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toHaveProperty("code", "not_found");
    const it2 = await t.app.inject({ url: "/api/v1/app/bad/msg?iterator=%27%3B--", headers: t.auth });
    expect(it2.statusCode).toBe(400);
    const lim = await t.app.inject({ url: "/api/v1/app/bad/msg?limit=-3", headers: t.auth });
    expect(lim.statusCode).toBe(422);
    const date = await t.app.inject({ url: "/api/v1/app/bad/msg?before=yesterday", headers: t.auth });
    expect(date.statusCode).toBe(422);
  });

  it("serves the OpenAPI document and the docs UI", async () => {
    const doc = await t.app.inject({ url: "/openapi.json" });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.paths["/api/v1/app/{app_id}/msg"]).toBeDefined();
    const docs = await t.app.inject({ url: "/docs" });
    expect([200, 302]).toContain(docs.statusCode);
  });
});
