import { Svix } from "svix";

import type { TestApp } from "./harness.js";

/**
 * The official svix SDK against a test app, which starts listening on a free loopback port.
 *
 * @example const svix = await sdkClient(t); await svix.application.create({ name: "A" });
 */
export async function sdkClient(t: TestApp): Promise<Svix> {
  const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
  return new Svix(t.token, { serverUrl: address });
}

/**
 * A JSON request as the admin, answered as `{ status, body }`: for fields the SDK drops.
 *
 * @example const { status, body } = await jsonRequest(t)("PATCH", "/api/v1/app/a/endpoint/ep_1", { filter: null });
 */
export function jsonRequest(t: TestApp) {
  return async (method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
}
