import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

describeEachStore("message.precheck through the official SDK on %s", (kind) => {
  let t: TestApp;
  let svix: Svix;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    svix = new Svix(t.token, { serverUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}` });
  });
  afterAll(async () => {
    await t.close();
  });

  it("is active only when an enabled endpoint's event-type and channel filters match, and creates nothing", async () => {
    const app = await svix.application.create({ name: "Pre", uid: "pre" });
    expect(await svix.message.precheck("pre", { eventType: "invoice.paid" })).toEqual({ active: false });

    const ep = await svix.endpoint.create("pre", { url: "https://example.com/hook", eventTypes: ["invoice.paid"], channels: ["eu"] });
    expect((await svix.message.precheck("pre", { eventType: "invoice.paid", channels: ["eu"] })).active).toBe(true);
    expect((await svix.message.precheck("pre", { eventType: "invoice.paid", channels: ["us"] })).active).toBe(false);
    expect((await svix.message.precheck("pre", { eventType: "invoice.paid" })).active).toBe(false); // a channel filter needs a channel
    expect((await svix.message.precheck("pre", { eventType: "invoice.voided", channels: ["eu"] })).active).toBe(false);

    await svix.endpoint.patch("pre", ep.id, { disabled: true });
    expect((await svix.message.precheck("pre", { eventType: "invoice.paid", channels: ["eu"] })).active).toBe(false);

    await svix.endpoint.create("pre", { url: "https://example.com/all" });
    expect((await svix.message.precheck("pre", { eventType: "anything.at_all" })).active).toBe(true);
    const messages = await t.store.db.selectFrom("messages").select("id").where("app_id", "=", app.id).execute();
    expect(messages).toEqual([]);
  });

  it("refuses another application's key and bad input", async () => {
    await svix.application.create({ name: "Other", uid: "pre-other" });
    const key = await t.app.inject({ method: "POST", url: "/api/v1/token", headers: t.auth, payload: { name: "o", appId: "pre-other" } });
    const other = new Svix(key.json<{ token: string }>().token, { serverUrl: `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}` });
    await expect(other.message.precheck("pre", { eventType: "invoice.paid" })).rejects.toMatchObject({ code: 404 });
    const bad = await t.app.inject({ method: "POST", url: "/api/v1/app/pre/msg/precheck/active", headers: t.auth, payload: { eventType: "has space" } });
    expect(bad.statusCode).toBe(422);
  });
});
