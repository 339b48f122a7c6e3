import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/** An application's throttle is taken under both of Svix's names, and PATCH 0 lifts it. */
describeEachStore("application throttleRate and rateLimit (%s)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: "POST" | "PATCH" | "PUT", url: string, payload: object) =>
    t.app.inject({ method, url, headers: t.auth, payload });

  it("accepts both names, returns both, and treats a PATCH of 0 as no limit", async () => {
    const created = await call("POST", "/api/v1/app", { name: "A", rateLimit: 7 });
    expect(created.json()).toMatchObject({ throttleRate: 7, rateLimit: 7 });
    const id = created.json().id as string;
    expect((await call("PATCH", `/api/v1/app/${id}`, { throttleRate: 12 })).json()).toMatchObject({
      throttleRate: 12,
    });
    expect((await call("PATCH", `/api/v1/app/${id}`, { rateLimit: 0 })).json()).toMatchObject({
      throttleRate: null,
    });
    expect((await call("POST", "/api/v1/app", { name: "B", throttleRate: 0 })).statusCode).toBe(422);
    expect((await call("PATCH", `/api/v1/app/${id}`, { throttleRate: 70_000 })).statusCode).toBe(422);
  });
});
