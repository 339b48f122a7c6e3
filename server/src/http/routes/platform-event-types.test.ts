import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

// The food-delivery catalog (order.*, menu.updated) belongs to delivery-platform sources: an
// install that never creates one does not get it.
describeEachStore("the delivery-platform event catalog on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function api(method: "GET" | "POST" | "PATCH", url: string, payload?: object) {
    const res = await t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  }
  const typeNames = async () =>
    ((await api("GET", "/api/v1/event-type?limit=250")).body.data as { name: string }[]).map((e) => e.name);

  it("is absent at start and after a non-platform source, present after a delivery-platform source", async () => {
    expect(await typeNames()).toEqual([]);
    expect((await api("POST", "/api/v1/app", { name: "Acme", uid: "acme" })).status).toBe(201);
    const billing = await api("POST", "/api/v1/app/acme/source", {
      name: "Billing",
      provider: "standard-webhooks",
      config: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    });
    expect(billing.status).toBe(201);
    expect((await typeNames()).some((n) => n.startsWith("order."))).toBe(false);

    const careem = await api("POST", "/api/v1/app/acme/source", {
      name: "Careem",
      provider: "careem",
      config: { secret: "careem_secret", clientId: "client_1" },
    });
    expect(careem.status).toBe(201);
    const names = await typeNames();
    expect(names).toContain("order.created");
    expect(names).toContain("menu.updated");
    const order = await api("GET", "/api/v1/event-type/order.created");
    expect(order.body.schemas["1"]).toBeTruthy();
  });

  it("keeps an operator's edit when another platform source is written", async () => {
    const edited = await api("PATCH", "/api/v1/event-type/order.created", { description: "Our orders" });
    expect(edited.status).toBe(200);
    expect((await api("POST", "/api/v1/app", { name: "Beta", uid: "beta" })).status).toBe(201);
    const talabat = await api("POST", "/api/v1/app/beta/source", {
      name: "Careem",
      provider: "careem",
      config: { secret: "careem_secret", clientId: "client_2" },
    });
    expect(talabat.status).toBe(201);
    expect((await api("GET", "/api/v1/event-type/order.created")).body.description).toBe("Our orders");
  });
});
