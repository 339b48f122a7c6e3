import { Svix } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

async function request(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  payload?: object,
  headers: Record<string, string> = t.auth,
) {
  const res = await t.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

let counter = 0;
/** A name unique to the test, so tests sharing the global catalogue do not collide. */
const unique = (base: string) => `${base}.${++counter}`;

const SCHEMAS = { "1": { type: "object", properties: { id: { type: "string" } }, required: ["id"] } };

describe("event type CRUD", () => {
  it("creates (201), gets, and refuses a live duplicate with 409", async () => {
    const name = unique("invoice.paid");
    const created = await request("POST", "/api/v1/event-type", {
      name,
      description: "An invoice was paid",
      schemas: SCHEMAS,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      description: "An invoice was paid",
      archived: false,
      deprecated: false,
      featureFlag: null,
      schemas: SCHEMAS,
    });
    expect(await request("GET", `/api/v1/event-type/${name}`)).toEqual({ status: 200, body: created.body });

    const dup = await request("POST", "/api/v1/event-type", { name, description: "again" });
    expect(dup.status).toBe(409);
    expect(dup.body!.code).toBe("conflict");
    expect((await request("GET", "/api/v1/event-type/no.such.type")).status).toBe(404);
  });

  it("DELETE archives; the archived type is hidden from lists unless asked, and re-creating restores it", async () => {
    const name = unique("user.deleted");
    await request("POST", "/api/v1/event-type", { name, description: "first" });
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/event-type/${name}`, headers: t.auth });
    expect(del.statusCode).toBe(204);

    expect((await request("GET", `/api/v1/event-type/${name}`)).body).toMatchObject({ name, archived: true });
    const names = async (query: string) =>
      ((await request("GET", `/api/v1/event-type?limit=250${query}`)).body!.data as { name: string }[]).map(
        (e) => e.name,
      );
    expect(await names("")).not.toContain(name);
    expect(await names("&include_archived=true")).toContain(name);

    const again = await request("POST", "/api/v1/event-type", { name, description: "second" });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ name, archived: false, description: "second" });
    expect(await names("")).toContain(name);
  });

  it("DELETE with expunge=true removes the row", async () => {
    const name = unique("gone");
    await request("POST", "/api/v1/event-type", { name, description: "x" });
    expect((await request("DELETE", `/api/v1/event-type/${name}?expunge=true`)).status).toBe(204);
    expect((await request("GET", `/api/v1/event-type/${name}`)).status).toBe(404);
    expect((await request("DELETE", `/api/v1/event-type/${name}`)).status).toBe(404);
  });

  it("PUT creates (201) then replaces (200); PATCH changes only what it is given", async () => {
    const name = unique("order.shipped");
    const created = await request("PUT", `/api/v1/event-type/${name}`, {
      description: "v1",
      schemas: SCHEMAS,
      featureFlag: "beta",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      description: "v1",
      featureFlag: "beta",
      featureFlags: ["beta"],
    });

    const replaced = await request("PUT", `/api/v1/event-type/${name}`, {
      description: "v2",
      deprecated: true,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      description: "v2",
      deprecated: true,
      featureFlag: null,
      schemas: null,
    });
    expect(replaced.body!.createdAt).toBe(created.body!.createdAt);

    const patched = await request("PATCH", `/api/v1/event-type/${name}`, {
      schemas: SCHEMAS,
      featureFlags: ["gamma"],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: "v2",
      deprecated: true,
      schemas: SCHEMAS,
      featureFlag: "gamma",
    });
    expect((await request("PATCH", "/api/v1/event-type/no.such", { description: "x" })).status).toBe(404);

    // PUT of an archived type brings it back.
    await request("DELETE", `/api/v1/event-type/${name}`);
    const restored = await request("PUT", `/api/v1/event-type/${name}`, { description: "v3" });
    expect(restored).toMatchObject({ status: 200, body: { archived: false } });
  });

  it("lists by name with schemas only when with_content=true, paging with iterator and done", async () => {
    const prefix = `zz-page-${Date.now()}`;
    const names = [0, 1, 2, 3, 4].map((i) => `${prefix}.${i}`);
    for (const name of names.slice().reverse()) {
      expect(
        (await request("POST", "/api/v1/event-type", { name, description: name, schemas: SCHEMAS })).status,
      ).toBe(201);
    }
    // Names sort after every other test's, so the last pages hold exactly these.
    const seen: { name: string; schemas: unknown }[] = [];
    let iterator = `${prefix}`;
    for (let i = 0; i < 10; i++) {
      const res = await request("GET", `/api/v1/event-type?limit=2&iterator=${iterator}`);
      expect(res.status).toBe(200);
      seen.push(...(res.body!.data as { name: string; schemas: unknown }[]));
      iterator = res.body!.iterator as string;
      if (res.body!.done) break;
    }
    expect(seen.map((e) => e.name)).toEqual(names);
    expect(seen.every((e) => e.schemas === null)).toBe(true);

    const full = await request("GET", `/api/v1/event-type?limit=1&iterator=${prefix}&with_content=true`);
    expect(full.body!.data[0]).toMatchObject({ name: names[0], schemas: SCHEMAS });
    expect(full.body!.done).toBe(false);

    const desc = await request("GET", `/api/v1/event-type?order=descending&limit=2`);
    expect((desc.body!.data as { name: string }[]).map((e) => e.name)).toEqual([names[4], names[3]]);
  });
});

describe("event type validation and access", () => {
  it("refuses bad names, unknown fields and several feature flags with 422", async () => {
    const bad = await request("POST", "/api/v1/event-type", { name: "has space", description: "x" });
    expect(bad.status).toBe(422);
    expect(bad.body!.detail[0].loc).toEqual(["body", "name"]);
    expect(
      (await request("POST", "/api/v1/event-type", { name: "ok.name", description: "x", colour: 1 })).status,
    ).toBe(422);
    expect((await request("POST", "/api/v1/event-type", { name: "ok.name" })).status).toBe(422);
    const flags = await request("POST", "/api/v1/event-type", {
      name: "ok.name",
      description: "x",
      featureFlags: ["a", "b"],
    });
    expect(flags.status).toBe(422);
    expect((await request("GET", "/api/v1/event-type/has%20space")).status).toBe(422);
  });

  it("lets an application-scoped token read the catalogue but not change it", async () => {
    const name = unique("scoped");
    await request("POST", "/api/v1/event-type", { name, description: "x" });
    const appRes = await request("POST", "/api/v1/app", { name: "scoped" });
    const scoped = await t.services.tokens.create(CLI_ACTOR, { name: "portal", appId: appRes.body!.id as string });
    const headers = { authorization: `Bearer ${scoped.token}` };
    expect((await request("GET", `/api/v1/event-type/${name}`, undefined, headers)).status).toBe(200);
    expect((await request("GET", "/api/v1/event-type", undefined, headers)).status).toBe(200);
    expect(
      (await request("POST", "/api/v1/event-type", { name: unique("x"), description: "x" }, headers)).status,
    ).toBe(403);
    expect((await request("PATCH", `/api/v1/event-type/${name}`, { description: "y" }, headers)).status).toBe(
      403,
    );
    expect((await request("DELETE", `/api/v1/event-type/${name}`, undefined, headers)).status).toBe(403);
  });
});

describe("EventTypeService.ensure and find", () => {
  it("registers once, keeps an operator's changes, and finds archived types", async () => {
    const name = unique("stripe.invoice.paid");
    const schema = { type: "object" };
    const first = await t.services.eventTypes.ensure(name, "Stripe: invoice paid", schema);
    expect(first).toMatchObject({ name, description: "Stripe: invoice paid", schemas: { "1": schema } });

    await request("PATCH", `/api/v1/event-type/${name}`, { description: "edited" });
    await Promise.all([1, 2, 3].map(() => t.services.eventTypes.ensure(name, "Stripe: invoice paid")));
    expect((await t.services.eventTypes.find(name))?.description).toBe("edited");

    await request("DELETE", `/api/v1/event-type/${name}`);
    expect(await t.services.eventTypes.ensure(name, "again")).toMatchObject({
      archived: true,
      description: "edited",
    });
    expect(await t.services.eventTypes.find("never.registered")).toBeUndefined();
  });
});

describe("official svix SDK", () => {
  it("creates, lists, updates and deletes event types", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const svix = new Svix(t.token, { serverUrl: address });
    const name = unique("sdk.event");
    const created = await svix.eventType.create({ name, description: "from the SDK", schemas: SCHEMAS });
    expect(created).toMatchObject({ name, archived: false, schemas: SCHEMAS });
    expect(created.createdAt).toBeInstanceOf(Date);

    const list = await svix.eventType.list({ withContent: true, limit: 250 });
    expect(list.data.find((e) => e.name === name)?.schemas).toEqual(SCHEMAS);

    const updated = await svix.eventType.upsert(name, { description: "updated", deprecated: true });
    expect(updated).toMatchObject({ description: "updated", deprecated: true });
    const patched = await svix.eventType.patch(name, { description: "patched" });
    expect(patched.description).toBe("patched");

    await svix.eventType.delete(name);
    expect((await svix.eventType.get(name)).archived).toBe(true);
    await svix.eventType.delete(name, { expunge: true });
    await expect(svix.eventType.get(name)).rejects.toMatchObject({ code: 404 });
  });
});
