import { randomBytes } from "node:crypto";

import { expect } from "vitest";

import { generateEd25519Secret } from "../lib/ed25519-keys.js";

/** One API call: the harness's `app.inject` or `fetch` against a real server. */
export type Call = (
  method: "GET" | "POST" | "PUT" | "PATCH",
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/** A secret the tour made or received, to be looked for at rest and in logs. */
export interface TourSecret {
  label: string;
  value: string;
}

const whsec = (): string => `whsec_${randomBytes(24).toString("base64")}`;
const random = (prefix: string): string => `${prefix}_${randomBytes(18).toString("base64url")}`;

/**
 * Every way a secret enters Hookrelay through the API, once: endpoints with given and generated
 * signing secrets and custom headers, rotations (so there are old secrets), header changes,
 * sources with provider secrets, a portal grant and an API token, each creating request sent
 * with an Idempotency-Key and replayed (as SDKs retry), and a message. Returns every secret
 * and token seen, for the caller to search the store, its files and the logs for.
 *
 * @example const secrets = await secretsTour(call); // then scan
 */
export async function secretsTour(
  call: Call,
  receiverUrl = "https://receiver.invalid/hook",
): Promise<TourSecret[]> {
  const secrets: TourSecret[] = [];
  const keep = (label: string, value: unknown): string => {
    expect(typeof value, label).toBe("string");
    secrets.push({ label, value: value as string });
    return value as string;
  };
  const ok = async (
    method: Parameters<Call>[0],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => {
    const res = await call(method, url, body, headers);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };

  const uid = `tour-${randomBytes(4).toString("hex")}`;
  const app = await ok("POST", "/api/v1/app", { name: "Secrets tour", uid });
  const base = `/api/v1/app/${app.id as string}`;

  const given = keep("endpoint secret (given)", whsec());
  const ep1 = await ok(
    "POST",
    `${base}/endpoint`,
    {
      url: receiverUrl,
      secret: given,
      headers: {
        Authorization: keep("header Authorization", `Bearer ${random("hdr")}`),
        "X-Api-Key": keep("header X-Api-Key", random("key")),
      },
    },
    { "idempotency-key": random("idem") },
  );
  const ep2 = await ok(
    "POST",
    `${base}/endpoint`,
    { url: "https://receiver.invalid/other" },
    { "idempotency-key": random("idem") },
  );
  keep("endpoint secret (generated)", (await ok("GET", `${base}/endpoint/${ep2.id as string}/secret`)).key);

  // Rotations: the given and generated secrets become old secrets, still signing.
  await ok("POST", `${base}/endpoint/${ep1.id as string}/secret/rotate`, {
    key: keep("endpoint secret (rotated to)", whsec()),
  });
  await ok("POST", `${base}/endpoint/${ep2.id as string}/secret/rotate`, {});
  keep(
    "endpoint secret (rotated, generated)",
    (await ok("GET", `${base}/endpoint/${ep2.id as string}/secret`)).key,
  );
  await ok("PATCH", `${base}/endpoint/${ep2.id as string}`, {
    secret: keep("endpoint secret (PATCH)", whsec()),
  });

  // ed25519 secret keys (whsk_), given and rotated to; only their public keys may be shown.
  const ep3 = await ok(
    "POST",
    `${base}/endpoint`,
    { url: "https://receiver.invalid/ed25519", secret: keep("ed25519 secret key (given)", generateEd25519Secret()) },
    { "idempotency-key": random("idem") },
  );
  await ok("POST", `${base}/endpoint/${ep3.id as string}/secret/rotate`, {
    key: keep("ed25519 secret key (rotated to)", generateEd25519Secret()),
  });

  await ok("PUT", `${base}/endpoint/${ep2.id as string}/headers`, {
    headers: { "X-Auth-Token": keep("header X-Auth-Token", random("tok")), "X-Tenant": "t1" },
  });
  await ok("PATCH", `${base}/endpoint/${ep1.id as string}/headers`, {
    headers: { Cookie: keep("header Cookie", `session=${random("c")}`) },
  });

  await ok(
    "POST",
    `${base}/source`,
    {
      name: "Careem",
      provider: "careem",
      config: {
        secret: keep("careem secret", random("careem")),
        apiKey: keep("careem apiKey", random("ck")),
      },
    },
    { "idempotency-key": random("idem") },
  );
  await ok("POST", `${base}/source`, {
    name: "GitHub",
    provider: "github",
    config: { secret: keep("github secret", random("gh")) },
  });
  await ok("POST", `${base}/source`, {
    name: "Stripe",
    provider: "stripe",
    config: { secret: keep("stripe secret", whsec()) },
  });

  // Token-creating requests, each replayed with its key: the same caller gets the same token back.
  const portalKey = { "idempotency-key": random("idem") };
  const portal = await ok("POST", `/api/v1/auth/app-portal-access/${app.id as string}`, {}, portalKey);
  keep("portal token", portal.token);
  expect((await ok("POST", `/api/v1/auth/app-portal-access/${app.id as string}`, {}, portalKey)).token).toBe(
    portal.token,
  );
  const tokenKey = { "idempotency-key": random("idem") };
  const token = await ok("POST", "/api/v1/token", { name: "tour" }, tokenKey);
  keep("API token", token.token);
  expect((await ok("POST", "/api/v1/token", { name: "tour" }, tokenKey)).token).toBe(token.token);

  await ok(
    "POST",
    `${base}/msg`,
    { eventType: "tour.done", payload: { ok: true } },
    { "idempotency-key": random("idem") },
  );
  return secrets;
}
