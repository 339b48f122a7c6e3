import { Svix } from "svix";
import { afterAll, beforeAll } from "vitest";

import { startTestApp, type TestApp } from "./harness.js";
import type { StoreKind } from "./postgres.js";

export interface SdkApp {
  readonly t: TestApp;
  /** The official SDK against the app, listening on loopback. */
  readonly svix: Svix;
  /** A JSON request through inject, with the admin token. */
  request(method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * A test app per `describe`, listening so the official SDK can reach it, with one application
 * (`appUid`) created through the SDK. Read the fields inside tests, not at definition time.
 *
 * @example const s = sdkAppPerSuite(kind, "fifo"); it("…", async () => { await s.svix.endpoint.list("fifo"); });
 */
export function sdkAppPerSuite(kind: StoreKind, appUid: string): SdkApp {
  let t: TestApp | undefined;
  let svix: Svix | undefined;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
    svix = new Svix(t.token, { serverUrl: await t.app.listen({ port: 0, host: "127.0.0.1" }) });
    await svix.application.create({ name: appUid, uid: appUid });
  });
  afterAll(async () => {
    await t?.close();
  });
  return {
    get t() {
      return t!;
    },
    get svix() {
      return svix!;
    },
    request: async (method, url, payload) => {
      const res = await t!.app.inject({ method, url, headers: t!.auth, ...(payload ? { payload } : {}) });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    },
  };
}
