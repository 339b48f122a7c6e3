import { Svix } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import type { OldSecret } from "../../store/endpoints-repository.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

async function request(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: t.auth,
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

let appCounter = 0;
async function createApp(): Promise<{ id: string; uid: string }> {
  const uid = `app-${++appCounter}-${Date.now()}`;
  const res = await request("POST", "/api/v1/app", { name: uid, uid });
  expect(res.status).toBe(201);
  return { id: res.body!.id as string, uid };
}

async function createEndpoint(appId: string, body: Record<string, unknown> = {}) {
  const res = await request("POST", `/api/v1/app/${appId}/endpoint`, {
    url: "https://example.com/hook",
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body!;
}

async function storedRow(id: string) {
  return t.store.db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("endpoint CRUD", () => {
  it("creates, gets and lists an endpoint with both spellings of every aliased field", async () => {
    const app = await createApp();
    const created = await createEndpoint(app.id, {
      uid: "primary",
      description: "main receiver",
      filterTypes: ["invoice.paid", "invoice.paid", "user.created"],
      channels: ["eu"],
      metadata: { team: "billing" },
      rateLimit: 10,
    });
    expect(created).toMatchObject({
      uid: "primary",
      url: "https://example.com/hook",
      description: "main receiver",
      disabled: false,
      filterTypes: ["invoice.paid", "user.created"],
      eventTypes: ["invoice.paid", "user.created"],
      channels: ["eu"],
      metadata: { team: "billing" },
      throttleRate: 10,
      rateLimit: 10,
      version: 1,
    });
    expect(created.id).toMatch(/^ep_/);

    const byId = await request("GET", `/api/v1/app/${app.id}/endpoint/${created.id}`);
    expect(byId).toEqual({ status: 200, body: created });
    // Application uid and endpoint uid work wherever the ids do.
    const byUid = await request("GET", `/api/v1/app/${app.uid}/endpoint/primary`);
    expect(byUid).toEqual({ status: 200, body: created });

    const list = await request("GET", `/api/v1/app/${app.uid}/endpoint`);
    expect(list.status).toBe(200);
    expect(list.body!.data).toEqual([created]);
    expect(list.body!.done).toBe(true);
  });

  it("accepts the reference spelling eventTypes and throttleRate, and returns null filters when unfiltered", async () => {
    const app = await createApp();
    const a = await createEndpoint(app.id, { eventTypes: ["a.b"], throttleRate: 3 });
    expect(a).toMatchObject({ filterTypes: ["a.b"], eventTypes: ["a.b"], throttleRate: 3, rateLimit: 3 });
    const b = await createEndpoint(app.id);
    expect(b).toMatchObject({
      filterTypes: null,
      eventTypes: null,
      channels: null,
      throttleRate: null,
      metadata: {},
      description: "",
    });
  });

  it("answers 404 for an endpoint of another application, by id and by uid", async () => {
    const a = await createApp();
    const b = await createApp();
    const ep = await createEndpoint(a.id, { uid: "shared-name" });
    for (const ref of [ep.id, "shared-name"]) {
      for (const [method, suffix] of [
        ["GET", ""],
        ["PATCH", ""],
        ["DELETE", ""],
        ["GET", "/secret"],
        ["GET", "/headers"],
      ] as const) {
        const res = await request(
          method,
          `/api/v1/app/${b.id}/endpoint/${ref}${suffix}`,
          method === "PATCH" ? {} : undefined,
        );
        expect(res.status, `${method} ${suffix}`).toBe(404);
        expect(res.body).toEqual({ code: "not_found", detail: "Endpoint not found" });
      }
    }
    expect((await request("GET", `/api/v1/app/${a.id}/endpoint/${ep.id}`)).status).toBe(200);
    expect((await request("GET", `/api/v1/app/app_missing/endpoint/${ep.id}`)).status).toBe(404);
  });

  it("refuses a duplicate uid within an application with 409 but allows it in another", async () => {
    const a = await createApp();
    const b = await createApp();
    await createEndpoint(a.id, { uid: "dup" });
    const again = await request("POST", `/api/v1/app/${a.id}/endpoint`, {
      url: "https://example.com/2",
      uid: "dup",
    });
    expect(again.status).toBe(409);
    expect(again.body!.code).toBe("conflict");
    await createEndpoint(b.id, { uid: "dup" });

    const other = await createEndpoint(a.id, { uid: "other" });
    const patch = await request("PATCH", `/api/v1/app/${a.id}/endpoint/${other.id}`, { uid: "dup" });
    expect(patch.status).toBe(409);
  });

  it("PUT creates under the path uid (201), then replaces (200) and keeps the uid when the body omits it", async () => {
    const app = await createApp();
    const created = await request("PUT", `/api/v1/app/${app.id}/endpoint/orders`, {
      url: "https://example.com/orders",
      filterTypes: ["order.created"],
      metadata: { a: "1" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      uid: "orders",
      filterTypes: ["order.created"],
      metadata: { a: "1" },
    });

    const replaced = await request("PUT", `/api/v1/app/${app.id}/endpoint/orders`, {
      url: "https://example.com/v2",
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: created.body!.id,
      uid: "orders",
      url: "https://example.com/v2",
      filterTypes: null,
      metadata: {},
    });

    const missing = await request("PUT", `/api/v1/app/${app.id}/endpoint/ep_doesNotExist`, {
      url: "https://example.com",
    });
    expect(missing.status).toBe(404);
    // PUT does not take the secret: it is rotated through its own route.
    const withSecret = await request("PUT", `/api/v1/app/${app.id}/endpoint/orders`, {
      url: "https://x.example",
      secret: SECRET,
    });
    expect(withSecret.status).toBe(422);
  });

  it("PATCH changes only what it is given; null clears a filter", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, {
      filterTypes: ["a"],
      channels: ["c"],
      description: "d",
      uid: "u1",
    });
    const res = await request("PATCH", `/api/v1/app/${app.id}/endpoint/${ep.id}`, {
      filterTypes: null,
      rateLimit: 5,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      filterTypes: null,
      eventTypes: null,
      channels: ["c"],
      description: "d",
      uid: "u1",
      rateLimit: 5,
    });
    const cleared = await request("PATCH", `/api/v1/app/${app.id}/endpoint/${ep.id}`, {
      throttleRate: 0,
      uid: null,
    });
    expect(cleared.body).toMatchObject({ throttleRate: null, uid: null });
    expect(Date.parse(cleared.body!.updatedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(ep.updatedAt as string),
    );
  });

  it("re-enabling an endpoint clears its failure window", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id);
    await t.store.db
      .updateTable("endpoints")
      .set({ disabled: 1, first_failure_at: 1 })
      .where("id", "=", ep.id)
      .execute();
    const res = await request("PATCH", `/api/v1/app/${app.id}/endpoint/${ep.id}`, { disabled: false });
    expect(res.body!.disabled).toBe(false);
    expect((await storedRow(ep.id as string)).first_failure_at).toBeNull();

    // Disabling leaves the failure tracking alone.
    await t.store.db.updateTable("endpoints").set({ first_failure_at: 5 }).where("id", "=", ep.id).execute();
    await request("PATCH", `/api/v1/app/${app.id}/endpoint/${ep.id}`, { disabled: true });
    expect((await storedRow(ep.id as string)).first_failure_at).toBe(5);
  });

  it("DELETE removes the endpoint (204) and later lookups are 404", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id);
    const res = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/app/${app.id}/endpoint/${ep.id}`,
      headers: t.auth,
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect((await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}`)).status).toBe(404);
    expect((await request("DELETE", `/api/v1/app/${app.id}/endpoint/${ep.id}`)).status).toBe(404);
  });
});

describe("endpoint validation", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["an ftp URL", { url: "ftp://x" }, ["body", "url"]],
    ["a non-URL", { url: "not a url" }, ["body", "url"]],
    ["a URL without host", { url: "http://" }, ["body", "url"]],
    ["a malformed secret", { url: "https://example.com", secret: "short" }, ["body", "secret"]],
    ["an empty filter", { url: "https://example.com", filterTypes: [] }, ["body", "filterTypes"]],
    [
      "a bad event type name",
      { url: "https://example.com", filterTypes: ["a b"] },
      ["body", "filterTypes", "0"],
    ],
    ["a uid that looks like an id", { url: "https://example.com", uid: "ep_123" }, ["body", "uid"]],
    ["a zero rate", { url: "https://example.com", rateLimit: 0 }, ["body", "rateLimit"]],
    [
      "a reserved header",
      { url: "https://example.com", headers: { "Webhook-Signature": "x" } },
      ["body", "headers", "Webhook-Signature"],
    ],
    ["an unknown field", { url: "https://example.com", colour: "blue" }, ["body", "colour"]],
  ];
  it.each(cases)("refuses %s with 422 and its location", async (_name, payload, loc) => {
    const app = await createApp();
    const res = await request("POST", `/api/v1/app/${app.id}/endpoint`, payload);
    expect(res.status).toBe(422);
    const details = res.body!.detail as { loc: string[]; msg: string; type: string }[];
    expect(details.map((d) => d.loc)).toContainEqual(loc);
  });

  it("accepts every field the official SDK sends", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, {
      uid: "sdk",
      url: "https://receiver.example/hook",
      description: "",
      disabled: false,
      filterTypes: ["x.y"],
      channels: null,
      headers: { "X-Tenant": "42" },
      metadata: {},
      rateLimit: null,
      throttleRate: null,
      secret: null,
      version: 1,
    });
    expect(ep.uid).toBe("sdk");
  });
});

describe("endpoint secret", () => {
  it("normalizes a given secret to whsec_ and returns it", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, { secret: SECRET.slice("whsec_".length) });
    const res = await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`);
    expect(res).toEqual({ status: 200, body: { key: SECRET } });
  });

  it("generates a whsec_ secret of 24 random bytes when none is given", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id);
    const { key } = (await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`)).body!;
    expect(key).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from((key as string).slice(6), "base64")).toHaveLength(24);
  });

  it("rotation installs a new secret and keeps the old one signing for the grace period", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, { secret: SECRET });
    const before = Date.now();
    const res = await t.app.inject({
      method: "POST",
      url: `/api/v1/app/${app.id}/endpoint/${ep.id}/secret/rotate`,
      headers: t.auth,
      payload: {},
    });
    expect(res.statusCode).toBe(204);
    const { key } = (await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`)).body!;
    expect(key).toMatch(/^whsec_/);
    expect(key).not.toBe(SECRET);

    const old = JSON.parse((await storedRow(ep.id as string)).old_secrets) as OldSecret[];
    expect(old).toHaveLength(1);
    expect(t.keyring.open(old[0]!.key)).toBe(SECRET);
    const grace = t.config.secretGraceSeconds * 1000;
    expect(old[0]!.expiresAt).toBeGreaterThanOrEqual(before + grace);
    expect(old[0]!.expiresAt).toBeLessThanOrEqual(Date.now() + grace);
  });

  it("rotates to a given key, honours gracePeriodSeconds, drops expired entries and keeps at most five", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id);
    const url = `/api/v1/app/${app.id}/endpoint/${ep.id}/secret/rotate`;
    const expired: OldSecret = { key: "whsec_expired", expiresAt: Date.now() - 1 };
    await t.store.db
      .updateTable("endpoints")
      .set({ old_secrets: JSON.stringify([expired]) })
      .where("id", "=", ep.id)
      .execute();

    expect((await request("POST", url, { key: SECRET, gracePeriodSeconds: 60 })).status).toBe(204);
    let old = JSON.parse((await storedRow(ep.id as string)).old_secrets) as OldSecret[];
    expect(old.map((s) => t.keyring.open(s.key))).not.toContain("whsec_expired");
    expect(old[0]!.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect((await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`)).body).toEqual({
      key: SECRET,
    });

    for (let i = 0; i < 6; i++) expect((await request("POST", url, {})).status).toBe(204);
    old = JSON.parse((await storedRow(ep.id as string)).old_secrets) as OldSecret[];
    expect(old).toHaveLength(5);
    expect(old.map((s) => t.keyring.open(s.key))).not.toContain(SECRET);

    // A zero grace period retires the previous secret at once.
    const current = (await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`)).body!
      .key as string;
    await request("POST", url, { gracePeriodSeconds: 0 });
    old = JSON.parse((await storedRow(ep.id as string)).old_secrets) as OldSecret[];
    expect(old.map((s) => t.keyring.open(s.key))).not.toContain(current);

    // A rotate without any body, as curl users send it.
    const bare = await t.app.inject({ method: "POST", url, headers: t.auth });
    expect(bare.statusCode).toBe(204);

    expect((await request("POST", url, { key: "nope" })).status).toBe(422);
    expect((await request("POST", url, { gracePeriodSeconds: 604_801 })).status).toBe(422);
  });

  it("a secret given in PATCH rotates like secret/rotate", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, { secret: SECRET });
    const other = "whsec_" + Buffer.alloc(24, 7).toString("base64");
    expect(
      (await request("PATCH", `/api/v1/app/${app.id}/endpoint/${ep.id}`, { secret: other })).status,
    ).toBe(200);
    expect((await request("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/secret`)).body).toEqual({
      key: other,
    });
    const old = JSON.parse((await storedRow(ep.id as string)).old_secrets) as OldSecret[];
    expect(old.map((s) => t.keyring.open(s.key))).toEqual([SECRET]);
  });

  it("stores secrets sealed when HOOKRELAY_SECRET_KEY is set", async () => {
    const sealed = await startTestApp({ secretKey: "a-test-key-of-at-least-16-chars" });
    try {
      const headers = sealed.auth;
      const appRes = await sealed.app.inject({
        method: "POST",
        url: "/api/v1/app",
        headers,
        payload: { name: "s" },
      });
      const appId = appRes.json().id as string;
      const epRes = await sealed.app.inject({
        method: "POST",
        url: `/api/v1/app/${appId}/endpoint`,
        headers,
        payload: { url: "https://example.com", secret: SECRET },
      });
      const epId = epRes.json().id as string;
      const row = await sealed.store.db
        .selectFrom("endpoints")
        .selectAll()
        .where("id", "=", epId)
        .executeTakeFirstOrThrow();
      expect(row.secret.startsWith(`enc:v2:${sealed.keyring.currentId}:`)).toBe(true);
      expect(row.secret).not.toContain(SECRET.slice(6));
      const secret = await sealed.app.inject({
        url: `/api/v1/app/${appId}/endpoint/${epId}/secret`,
        headers,
      });
      expect(secret.json()).toEqual({ key: SECRET });

      await sealed.app.inject({
        method: "POST",
        url: `/api/v1/app/${appId}/endpoint/${epId}/secret/rotate`,
        headers,
        payload: {},
      });
      const after = await sealed.store.db
        .selectFrom("endpoints")
        .selectAll()
        .where("id", "=", epId)
        .executeTakeFirstOrThrow();
      const old = JSON.parse(after.old_secrets) as OldSecret[];
      expect(old[0]!.key.startsWith("enc:v2:")).toBe(true);
    } finally {
      await sealed.close();
    }
  });
});

describe("endpoint headers", () => {
  it("replaces, merges, deletes and masks sensitive values", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id, { headers: { "X-Initial": "1" } });
    const url = `/api/v1/app/${app.id}/endpoint/${ep.id}/headers`;
    expect((await request("GET", url)).body).toEqual({ headers: { "X-Initial": "1" }, sensitive: [] });

    const put = await request("PUT", url, {
      headers: { "X-Tenant": "42", Authorization: "Bearer s3cret", "X-Api-Key": "k" },
    });
    expect(put.status).toBe(204);
    const got = await request("GET", url);
    expect(got.body).toEqual({
      headers: { "X-Tenant": "42", Authorization: "********", "X-Api-Key": "********" },
      sensitive: ["Authorization", "X-Api-Key"],
    });
    // The real value is stored (sealed), only the response masks it.
    const stored = (await storedRow(ep.id as string)).headers;
    expect(stored).not.toContain("s3cret");
    expect(JSON.parse(t.keyring.open(stored))).toMatchObject({
      Authorization: "Bearer s3cret",
    });

    const patch = await request("PATCH", url, {
      headers: { "x-tenant": "43", "X-Api-Key": null, "X-New": "n" },
    });
    expect(patch.status).toBe(204);
    expect((await request("GET", url)).body).toEqual({
      headers: { Authorization: "********", "x-tenant": "43", "X-New": "n" },
      sensitive: ["Authorization"],
    });

    // deleteHeaders, as newer SDKs send it.
    await request("PATCH", url, { headers: {}, deleteHeaders: ["authorization"] });
    expect((await request("GET", url)).body).toEqual({
      headers: { "x-tenant": "43", "X-New": "n" },
      sensitive: [],
    });
  });

  it("refuses header names that are not tokens or that Hookrelay sets itself", async () => {
    const app = await createApp();
    const ep = await createEndpoint(app.id);
    const url = `/api/v1/app/${app.id}/endpoint/${ep.id}/headers`;
    for (const name of [
      "svix-id",
      "Webhook-Id",
      "Content-Type",
      "host",
      "User-Agent",
      "Transfer-Encoding",
      "bad name",
      "x:y",
    ]) {
      const res = await request("PUT", url, { headers: { [name]: "v" } });
      expect(res.status, name).toBe(422);
      expect(res.body!.detail[0].loc).toEqual(["body", "headers", name]);
      expect((await request("PATCH", url, { headers: { [name]: "v" } })).status, name).toBe(422);
    }
    expect((await request("PUT", url, { headers: { "X-Ok": "line\nbreak" } })).status).toBe(422);
    expect((await request("GET", url)).body).toEqual({ headers: {}, sensitive: [] });
  });
});

describe("endpoint pagination", () => {
  it("walks all endpoints with iterator and done, both orders", async () => {
    const app = await createApp();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createEndpoint(app.id, { uid: `p${i}` })).id as string);

    const seen: string[] = [];
    let iterator: string | undefined;
    for (let page = 0; page < 10; page++) {
      const q = new URLSearchParams({ limit: "2", ...(iterator ? { iterator } : {}) });
      const res = await request("GET", `/api/v1/app/${app.id}/endpoint?${q}`);
      expect(res.status).toBe(200);
      seen.push(...(res.body!.data as { id: string }[]).map((e) => e.id));
      iterator = res.body!.iterator as string;
      if (res.body!.done) break;
    }
    expect(seen).toEqual(ids);

    const desc = await request("GET", `/api/v1/app/${app.id}/endpoint?order=descending&limit=3`);
    expect((desc.body!.data as { id: string }[]).map((e) => e.id)).toEqual(ids.slice().reverse().slice(0, 3));
    expect(desc.body!.done).toBe(false);

    // prevIterator walks back to the page before.
    const second = await request("GET", `/api/v1/app/${app.id}/endpoint?limit=2&iterator=${ids[1]}`);
    const back = await request(
      "GET",
      `/api/v1/app/${app.id}/endpoint?limit=2&iterator=${second.body!.prevIterator as string}`,
    );
    expect((back.body!.data as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(0, 2));

    expect((await request("GET", `/api/v1/app/${app.id}/endpoint?limit=0`)).status).toBe(422);
  });
});

describe("app-scoped tokens", () => {
  it("reach the endpoints of their own application only", async () => {
    const a = await createApp();
    const b = await createApp();
    const ep = await createEndpoint(b.id);
    const scoped = await t.services.tokens.create(CLI_ACTOR, { name: "portal", appId: a.id });
    const headers = { authorization: `Bearer ${scoped.token}` };
    const own = await t.app.inject({
      method: "POST",
      url: `/api/v1/app/${a.id}/endpoint`,
      headers,
      payload: { url: "https://example.com" },
    });
    expect(own.statusCode).toBe(201);
    const foreign = await t.app.inject({ url: `/api/v1/app/${b.id}/endpoint/${ep.id}`, headers });
    expect(foreign.statusCode).toBe(404);
  });
});

describe("official svix SDK (2.x)", () => {
  it("creates, lists, upserts and rotates an endpoint", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const svix = new Svix(t.token, { serverUrl: address });

    const app = await svix.application.create({ name: "sdk app", uid: `sdk-${Date.now()}` });
    const ep = await svix.endpoint.create(app.id, {
      url: "https://example.com/sdk",
      uid: "sdk-endpoint",
      eventTypes: ["invoice.paid", "invoice.failed"],
      channels: ["eu"],
      throttleRate: 20,
      metadata: { owner: "sdk" },
    });
    expect(ep.id).toMatch(/^ep_/);
    expect(ep.eventTypes).toEqual(["invoice.paid", "invoice.failed"]);
    expect(ep.throttleRate).toBe(20);
    expect(ep.createdAt).toBeInstanceOf(Date);

    const list = await svix.endpoint.list(app.id, { limit: 10 });
    expect(list.data.map((e) => e.id)).toEqual([ep.id]);
    expect(list.done).toBe(true);

    const got = await svix.endpoint.get(app.uid!, "sdk-endpoint");
    expect(got.id).toBe(ep.id);

    // 2.x calls PUT `upsert` (1.x: `update`); the route is the same.
    const updated = await svix.endpoint.upsert(app.id, ep.id, {
      url: "https://example.com/v2",
      eventTypes: ["invoice.paid"],
    });
    expect(updated).toMatchObject({
      url: "https://example.com/v2",
      eventTypes: ["invoice.paid"],
      uid: "sdk-endpoint",
    });
    const patched = await svix.endpoint.patch(app.id, ep.id, { description: "patched" });
    expect(patched.description).toBe("patched");

    const before = await svix.endpoint.getSecret(app.id, ep.id);
    expect(before.key).toMatch(/^whsec_/);
    await svix.endpoint.rotateSecret(app.id, ep.id, {});
    const after = await svix.endpoint.getSecret(app.id, ep.id);
    expect(after.key).toMatch(/^whsec_/);
    expect(after.key).not.toBe(before.key);

    await svix.endpoint.setHeaders(app.id, ep.id, {
      headers: { "X-Tenant": "1", Authorization: "Bearer x" },
    });
    await svix.endpoint.patchHeaders(app.id, ep.id, { headers: { "X-Extra": "2" } });
    const headers = await svix.endpoint.getHeaders(app.id, ep.id);
    expect(headers.headers).toEqual({ "X-Tenant": "1", Authorization: "********", "X-Extra": "2" });
    expect(headers.sensitive).toEqual(["Authorization"]);

    await svix.endpoint.delete(app.id, ep.id);
    await expect(svix.endpoint.get(app.id, ep.id)).rejects.toMatchObject({ code: 404 });
  });
});
