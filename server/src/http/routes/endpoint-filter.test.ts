import type { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { jsonRequest, sdkClient } from "../../test-support/api-clients.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

const FILTER = { data: { amount: { $gte: 100 }, currency: { $in: ["EUR", "USD"] } } };

/** The endpoint's `filter` field through the API: stored, shown, validated, audited (ADR 0017). */
describeEachStore("endpoint content filter through the API (%s)", (kind) => {
  let t: TestApp;
  let svix: Svix;
  let request: ReturnType<typeof jsonRequest>;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    [svix, request] = [await sdkClient(t), jsonRequest(t)];
    await svix.application.create({ name: "Filters", uid: "filters" });
  });
  afterAll(() => t.close());

  const base = "/api/v1/app/filters/endpoint";

  it("stores the filter on create, shows it, and PATCH changes, keeps or clears it", async () => {
    const created = await request("POST", base, { url: "https://example.com/hook", filter: FILTER });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.filter).toEqual(FILTER);
    const id = created.body.id as string;
    expect((await request("GET", `${base}/${id}`)).body.filter).toEqual(FILTER);

    // Absent in a PATCH: kept.
    expect((await request("PATCH", `${base}/${id}`, { description: "d" })).body.filter).toEqual(FILTER);
    const other = { type: { $neq: "test" } };
    expect((await request("PATCH", `${base}/${id}`, { filter: other })).body.filter).toEqual(other);
    // null clears; so does {} (an empty filter matches every payload, stored as none).
    expect((await request("PATCH", `${base}/${id}`, { filter: null })).body.filter).toBeNull();
    await request("PATCH", `${base}/${id}`, { filter: other });
    expect((await request("PATCH", `${base}/${id}`, { filter: {} })).body.filter).toBeNull();

    // PUT replaces everything, the filter included.
    const put = await request("PUT", `${base}/${id}`, { url: "https://example.com/hook", filter: FILTER });
    expect(put.body.filter).toEqual(FILTER);
    expect((await request("PUT", `${base}/${id}`, { url: "https://example.com/hook" })).body.filter).toBeNull();

    const audit = await t.store.db
      .selectFrom("audit_log")
      .select("changes")
      .where("resource_id", "=", id)
      .where("action", "=", "endpoint.update")
      .execute();
    expect(audit.some((a) => a.changes.includes('"filter"'))).toBe(true);
  });

  it("the official SDK parses endpoints with a filter; its create and update drop the field, its patch keeps it", async () => {
    const created = await request("POST", base, { url: "https://example.com/sdk", filter: FILTER });
    const id = created.body.id as string;
    const fromSdk = await svix.endpoint.get("filters", id);
    expect(fromSdk.id).toBe(id);
    expect((await svix.endpoint.list("filters")).data.map((e) => e.id)).toContain(id);
    // The SDK's patch sends only the fields it knows: the filter stays.
    await svix.endpoint.patch("filters", id, { description: "patched by the SDK" });
    expect((await request("GET", `${base}/${id}`)).body.filter).toEqual(FILTER);
    // Its create serializer copies known fields only, so a filter passed to it never arrives.
    const viaSdk = await svix.endpoint.create("filters", { url: "https://example.com/sdk2", filter: FILTER } as never);
    expect((await request("GET", `${base}/${viaSdk.id}`)).body.filter).toBeNull();
  });

  it("refuses unknown operators and bad shapes with a 422 naming where", async () => {
    const cases: [object, string, string][] = [
      [{ data: { amount: { $like: "1%" } } }, "Unknown operator $like", "$like"],
      [{ amount: { $in: "EUR" } }, "array", "$in"],
      [{ amount: { $exists: "yes" } }, "true or false", "$exists"],
      [{ $or: [] }, "non-empty array", "$or"],
      [{ a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 1 } } } } } } } } } } }, "levels deep", "filter"],
      [{ big: "x".repeat(9000) }, "bytes", "filter"],
    ];
    for (const [filter, message, where] of cases) {
      for (const [method, url] of [
        ["POST", base],
        ["PATCH", `${base}/ep_missing`],
      ] as const) {
        const res = await request(method, url, { url: "https://example.com/bad", filter });
        expect(res.status, `${JSON.stringify(filter)}: ${JSON.stringify(res.body)}`).toBe(422);
        const detail = JSON.stringify(res.body.detail);
        expect(detail).toContain(message);
        expect(detail).toContain(where);
      }
    }
    for (const filter of ["amount > 1", [1], 5]) {
      expect((await request("POST", base, { url: "https://example.com/bad", filter })).status).toBe(422);
    }
  });

  it("precheck answers on event type and channels only: an endpoint with a content filter counts as active", async () => {
    await svix.application.create({ name: "Precheck", uid: "filters-precheck" });
    await request("POST", "/api/v1/app/filters-precheck/endpoint", {
      url: "https://example.com/pre",
      filterTypes: ["order.paid"],
      filter: { amount: { $gt: 1_000_000 } },
    });
    expect(await svix.message.precheck("filters-precheck", { eventType: "order.paid" })).toEqual({ active: true });
    expect(await svix.message.precheck("filters-precheck", { eventType: "order.voided" })).toEqual({ active: false });
  });
});
