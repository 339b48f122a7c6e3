import { ApiException, Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/** Consumer-portal sessions driven by the official Svix SDK against a listening server. */
describeEachStore("portal sessions through the official Svix SDK (%s)", (kind) => {
  let t: TestApp;
  let url: string;
  let svix: Svix;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    svix = new Svix(t.token, { serverUrl: url });
    await svix.application.create({ name: "Acme", uid: "acme" });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The status an SDK call failed with, or 200 when it succeeded. */
  async function statusOf(call: Promise<unknown>): Promise<number> {
    try {
      await call;
      return 200;
    } catch (error) {
      if (error instanceof ApiException) return error.code;
      throw error;
    }
  }

  it("opens a readOnly session that reads but cannot write", async () => {
    const access = await svix.authentication.appPortalAccess("acme", { readOnly: true });
    expect(access.url).toBe(`${url}/portal#token=${access.token}`);
    const portal = new Svix(access.token, { serverUrl: url });
    expect((await portal.endpoint.list("acme")).data).toEqual([]);
    expect(await statusOf(portal.endpoint.create("acme", { url: "https://example.com/h" }))).toBe(403);
    expect(await statusOf(portal.message.create("acme", { eventType: "e", payload: {} }))).toBe(403);
    expect(await statusOf(portal.application.upsert("acme", { name: "renamed", uid: "victim" }))).toBe(403);
    expect(await statusOf(portal.application.get("someone-else"))).toBe(404);
    expect((await svix.application.get("acme")).name).toBe("Acme");
  });

  it("ends sessions with expireAll (by sessionId, then all) and with logout", async () => {
    const open = async (sessionId: string) =>
      new Svix((await svix.authentication.appPortalAccess("acme", { sessionId })).token, { serverUrl: url });
    const a = await open("user_a");
    const b = await open("user_b");
    const c = await open("user_c");
    expect(await statusOf(a.endpoint.list("acme"))).toBe(200);

    await svix.authentication.expireAll("acme", { sessionIds: ["user_a"] });
    expect(await statusOf(a.endpoint.list("acme"))).toBe(401);
    expect(await statusOf(b.endpoint.list("acme"))).toBe(200);

    await b.authentication.logout();
    expect(await statusOf(b.endpoint.list("acme"))).toBe(401);
    expect(await statusOf(c.endpoint.list("acme"))).toBe(200);

    await svix.authentication.expireAll("acme");
    expect(await statusOf(c.endpoint.list("acme"))).toBe(401);
    // The operator's own key is not a portal session: neither expire-all nor logout end it.
    expect(await statusOf(svix.application.get("acme"))).toBe(200);
    expect(await statusOf(svix.authentication.logout())).toBe(403);
  });
});
