import { Ajv, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";

// ajv-formats is CommonJS; its ESM default is the module, which carries the plugin as `default`.
const addFormats = ajvFormats.default;

type Json = Record<string, unknown>;

/**
 * The JSON bodies the official `svix` 2.x SDK sends (its serializers copy these field names one
 * to one and JSON.stringify drops what is unset; Dates become ISO strings).
 */
const SDK_BODIES = {
  "v1.application.create": { name: "Acme Corp", uid: "acme-corp", metadata: { plan: "enterprise" }, throttleRate: 100 },
  "v1.endpoint.create": {
    url: "https://hooks.example.com/webhooks",
    description: "Billing",
    eventTypes: ["invoice.paid", "invoice.voided"],
    channels: ["project_1337"],
    throttleRate: 10,
    metadata: {},
  },
  "v1.message.create": {
    eventType: "invoice.paid",
    eventId: "evt_invoice_1042",
    payload: { invoiceId: "in_1042", amount: 4200 },
    channels: ["project_1337"],
    tags: ["billing"],
    deliverAt: new Date(Date.now() + 3_600_000).toISOString(),
    payloadRetentionPeriod: 30,
  },
  "v1.authentication.app-portal-access": {
    capabilities: ["ViewBase", "ManageEndpoint"],
    featureFlags: [],
    expiry: 3600,
    readOnly: false,
    sessionId: "session_4f2a",
  },
} satisfies Record<string, Json>;


describe("the official SDK's requests against /openapi.json", () => {
  let t: TestApp;
  const validators = new Map<string, ValidateFunction>();
  const urls: Record<string, string> = {
    "v1.application.create": "/api/v1/app",
    "v1.endpoint.create": "/api/v1/app/acme-corp/endpoint",
    "v1.message.create": "/api/v1/app/acme-corp/msg",
    "v1.authentication.app-portal-access": "/api/v1/auth/app-portal-access/acme-corp",
  };

  beforeAll(async () => {
    t = await startTestApp({}, "sqlite");
    const doc = (await t.app.inject({ url: "/openapi.json" })).json<{ paths: Record<string, Record<string, Json>> }>();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        const schema = (op.requestBody as { content?: Record<string, { schema: Json }> } | undefined)?.content?.["application/json"]?.schema;
        if (schema && typeof op.operationId === "string") validators.set(op.operationId, ajv.compile(schema));
      }
    }
  });
  afterAll(async () => t?.close());

  const post = (operationId: string, payload: Json) =>
    t.app.inject({ method: "POST", url: urls[operationId]!, headers: t.auth, payload });

  it("documents bodies the SDK sends, and the server accepts them", async () => {
    for (const [operationId, body] of Object.entries(SDK_BODIES)) {
      const validate = validators.get(operationId);
      expect(validate, operationId).toBeDefined();
      expect(validate!(body), `${operationId}: ${JSON.stringify(validate!.errors)}`).toBe(true);
      const res = await post(operationId, body);
      expect(res.statusCode, `${operationId}: ${res.body}`).toBeLessThan(300);
    }
  });

  it("refuses in the document what the server refuses", async () => {
    const validate = validators.get("v1.endpoint.create")!;
    const bad = { url: "https://hooks.example.com/webhooks", eventTypes: [], unknownField: 1 };
    expect(validate(bad)).toBe(false);
    expect((await post("v1.endpoint.create", bad)).statusCode).toBe(422);
  });
});
