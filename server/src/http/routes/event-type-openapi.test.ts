import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

const SPEC = `
openapi: 3.1.0
info: { title: Billing, version: 1.0.0 }
webhooks:
  invoice.paid:
    post:
      description: An invoice was paid
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Invoice" }
  invoice.voided:
    post:
      summary: An invoice was voided
      deprecated: true
components:
  schemas:
    Invoice:
      type: object
      required: [id]
      properties: { id: { type: string }, amount: { type: integer } }
`;

describeEachStore("event catalog as OpenAPI on %s", (kind) => {
  let t: TestApp;
  let svix: Svix;
  beforeAll(async () => {
    t = await startTestApp({}, kind);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const address = t.app.server.address();
    svix = new Svix(t.token, { serverUrl: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
  });
  afterAll(async () => {
    await t.close();
  });

  it("imports through the official SDK: dry run first, then for real, archiving the rest with replaceAll", async () => {
    await svix.eventType.create({ name: "legacy.thing", description: "old" });
    await svix.eventType.create({ name: "invoice.paid", description: "An invoice was paid" });

    const dry = await svix.eventType.importOpenapi({ specRaw: SPEC, dryRun: true, replaceAll: true });
    expect(dry.data.modified.sort()).toEqual(["invoice.paid", "invoice.voided", "legacy.thing"]);
    expect(dry.data.toModify?.map((e) => e.name).sort()).toEqual(["invoice.paid", "invoice.voided"]);
    expect((await svix.eventType.get("invoice.paid")).schemas).toBeFalsy(); // nothing written yet
    await expect(svix.eventType.get("invoice.voided")).rejects.toMatchObject({ code: 404 });

    const done = await svix.eventType.importOpenapi({ specRaw: SPEC, replaceAll: true });
    expect(done.data.modified.sort()).toEqual(["invoice.paid", "invoice.voided", "legacy.thing"]);
    const paid = await svix.eventType.get("invoice.paid");
    expect(paid.schemas).toEqual({ "1": { type: "object", required: ["id"], properties: { id: { type: "string" }, amount: { type: "integer" } } } });
    expect(await svix.eventType.get("invoice.voided")).toMatchObject({ description: "An invoice was voided", deprecated: true });
    expect(await svix.eventType.get("legacy.thing")).toMatchObject({ archived: true });

    // Importing the same document again changes nothing.
    expect((await svix.eventType.importOpenapi({ specRaw: SPEC })).data.modified).toEqual([]);
  });

  it("exports a document the import reads back unchanged", async () => {
    const exported = await t.app.inject({ url: "/api/v1/event-type/export/openapi", headers: t.auth });
    expect(exported.statusCode).toBe(200);
    const doc = exported.json<{ openapi: string; webhooks: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.webhooks)).toEqual(["invoice.paid", "invoice.voided"]); // archived ones left out
    const again = await svix.eventType.importOpenapi({ spec: doc, dryRun: true });
    expect(again.data.modified).toEqual([]);
  });

  it("answers bad documents with a 4xx naming the problem, and changes nothing", async () => {
    const post = (payload: object) => t.app.inject({ method: "POST", url: "/api/v1/event-type/import/openapi", headers: t.auth, payload });
    for (const [payload, status, pattern] of [
      [{ specRaw: "webhooks: [unclosed" }, 400, /not valid YAML/],
      [{ specRaw: "openapi: 3.1.0" }, 400, /no webhooks/],
      [{ spec: { webhooks: { "bad name!": { post: {} } } } }, 400, /bad name!/],
      [{}, 422, undefined],
      [{ spec: {}, specRaw: "x" }, 422, undefined],
    ] as const) {
      const r = await post(payload);
      expect(r.statusCode, r.body).toBe(status);
      if (pattern) expect(r.json<{ code: string; detail: string }>()).toMatchObject({ code: "invalid_spec", detail: expect.stringMatching(pattern) });
    }
    expect(Object.keys((await t.app.inject({ url: "/api/v1/event-type/export/openapi", headers: t.auth })).json<{ webhooks: object }>().webhooks)).toHaveLength(2);
  });
});
