import { afterEach, expect, it } from "vitest";

import type { ConfigInput } from "../../config/config.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/**
 * An endpoint whose URL is a literal address the delivery guard refuses (or `localhost`) is
 * refused when saved, with a 422 that names the setting, instead of being accepted and then
 * failing every attempt out of sight. Host names are left to the guard at connect time.
 */
describeEachStore("endpoint address refusal on %s", (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function setup(overrides: ConfigInput = {}) {
    t = await startTestApp(overrides, kind);
    const app = await call("POST", "/api/v1/app", { name: "Refusals", uid: "refusals" });
    expect(app.status).toBe(201);
    return t;
  }

  async function call(method: "POST" | "PUT" | "PATCH", url: string, payload: object) {
    const res = await t!.app.inject({ method, url, headers: t!.auth, payload });
    return { status: res.statusCode, body: res.json() as { code?: string; detail?: string; id?: string } };
  }

  const create = (url: string) => call("POST", "/api/v1/app/refusals/endpoint", { url });

  const REFUSED = [
    ["http://127.0.0.1:3000/hook", "127.0.0.1", "loopback"],
    ["http://[::1]:3000/hook", "::1", "loopback"],
    ["http://10.1.2.3/hook", "10.1.2.3", "private"],
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254", "linkLocal"],
    ["http://localhost:3000/hook", "127.0.0.1", "loopback"],
    ["http://0x7f000001/hook", "127.0.0.1", "loopback"],
    ["http://[::ffff:10.0.0.1]/hook", "", "private"],
  ] as const;

  it("answers 422 naming HOOKRELAY_ALLOW_PRIVATE_NETWORKS on create, for each kind of refused literal", async () => {
    await setup();
    for (const [url, address, reason] of REFUSED) {
      const res = await create(url);
      expect(res.status, url).toBe(422);
      expect(res.body.code, url).toBe("endpoint_address_refused");
      expect(res.body.detail, url).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS=");
      expect(res.body.detail, url).toContain(`${address} is a ${reason} address`.trimStart());
    }
    expect(await t!.store.db.selectFrom("endpoints").select("id").execute()).toHaveLength(0);
  });

  it("suggests both loopback addresses for localhost", async () => {
    await setup();
    const res = await create("http://localhost:3000/hook");
    expect(res.body.detail).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8,::1");
  });

  it("answers 422 on PUT and PATCH to a refused address and leaves the endpoint as it was", async () => {
    await setup();
    const ep = await create("https://example.com/hook");
    expect(ep.status).toBe(201);
    const path = `/api/v1/app/refusals/endpoint/${ep.body.id}`;
    for (const [url] of REFUSED) {
      const put = await call("PUT", path, { url });
      expect(put.status, `PUT ${url}`).toBe(422);
      expect(put.body.detail).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");
      const patch = await call("PATCH", path, { url });
      expect(patch.status, `PATCH ${url}`).toBe(422);
      expect(patch.body.code).toBe("endpoint_address_refused");
    }
    // PUT creating by uid is refused too.
    expect((await call("PUT", "/api/v1/app/refusals/endpoint/local", { url: "http://127.0.0.1/x" })).status).toBe(422);
    const row = await t!.store.db.selectFrom("endpoints").select("url").execute();
    expect(row.map((r) => r.url)).toEqual(["https://example.com/hook"]);
    // A PATCH that does not touch the URL is not judged on it.
    expect((await call("PATCH", path, { description: "still fine" })).status).toBe(200);
  });

  it("accepts host names and public addresses: names are checked when connecting", async () => {
    await setup();
    for (const url of ["https://example.com/hook", "http://93.184.215.14/hook", "http://internal.example:8080/x"]) {
      expect((await create(url)).status, url).toBe(201);
    }
  });

  it("accepts what HOOKRELAY_ALLOW_PRIVATE_NETWORKS covers, and only that", async () => {
    await setup({ allowPrivateNetworks: "127.0.0.0/8,::1,10.0.0.0/8,169.254.169.254" });
    for (const [url] of REFUSED) expect((await create(url)).status, url).toBe(201);
    const outside = await create("http://192.168.1.10/hook");
    expect(outside.status).toBe(422);
    expect(outside.body.detail).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS=192.168.1.10");
  });

  it("refuses localhost when only one of its loopback addresses is allowed, as the guard would", async () => {
    await setup({ allowPrivateNetworks: "127.0.0.0/8" });
    expect((await create("http://127.0.0.1:3000/hook")).status).toBe(201);
    const res = await create("http://localhost:3000/hook");
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain("::1 is a loopback address");
  });
});
