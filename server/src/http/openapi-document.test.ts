import { readFileSync } from "node:fs";

import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv } from "ajv";
import ajvFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";
import { API_VERSION } from "./api-docs.js";

type Json = Record<string, unknown>;
type Operation = { summary?: string; description?: string; tags?: string[]; operationId?: string };

// ajv-formats is CommonJS; its ESM default is the module, which carries the plugin as `default`.
const addFormats = ajvFormats.default;
const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);
/** Dotted lower-case names: what a reader should copy, not a sample generated from a regex. */
const EVENT_TYPE_NAME = /^[a-z]+(\.[a-z_]+)+$/;
const EVENT_TYPE_FIELDS = new Set(["eventType", "eventTypes", "filterTypes", "event_type_name"]);

function operations(doc: Json): Array<{ key: string; op: Operation }> {
  const out: Array<{ key: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.has(method)) out.push({ key: `${method.toUpperCase()} ${path}`, op: op as Operation });
    }
  }
  return out;
}

/** Every schema node of the document, with the name of the property it describes (if any). */
function* schemaNodes(node: unknown, name = ""): Generator<{ name: string; schema: Json }> {
  if (Array.isArray(node)) {
    for (const item of node) yield* schemaNodes(item, name);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const obj = node as Json;
  if (typeof obj.type === "string" || "pattern" in obj || "anyOf" in obj) yield { name, schema: obj };
  for (const [key, value] of Object.entries(obj)) {
    if (key === "example" || key === "examples") continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      for (const [prop, sub] of Object.entries(value)) yield* schemaNodes(sub, prop);
    } else if (key === "items") {
      yield* schemaNodes(value, name);
    } else if (key === "parameters" && Array.isArray(value)) {
      for (const p of value as Json[]) yield* schemaNodes(p.schema, String(p.name));
    } else {
      yield* schemaNodes(value, "");
    }
  }
}

describe("the OpenAPI document", () => {
  let t: TestApp;
  let doc: Json;

  beforeAll(async () => {
    t = await startTestApp({}, "sqlite");
    const res = await t.app.inject({ url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => t?.close());

  it("is valid OpenAPI 3", async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(String(doc.openapi)).toMatch(/^3\./);
  });

  it("carries the package's version, not a made-up one", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(API_VERSION).toBe(pkg.version);
    expect((doc.info as Json).version).toBe(pkg.version);
  });

  it("describes the API as a whole: keys and scopes, errors, idempotency, pagination", () => {
    const text = String((doc.info as Json).description);
    for (const topic of ["Authorization: Bearer", "app:write", '"code"', "Idempotency-Key", "iterator", "done"]) {
      expect(text).toContain(topic);
    }
  });

  it("gives every operation a summary, a description, a declared tag and its access rule", () => {
    const declared = new Set((doc.tags as Array<{ name: string }>).map((tag) => tag.name));
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(60);
    const missing = ops.filter(
      ({ op }) => !op.summary?.trim() || !op.description?.trim() || !op.tags?.length || !op.tags.every((tag) => declared.has(tag)),
    );
    expect(missing.map((m) => m.key)).toEqual([]);
    for (const { key, op } of ops) expect(op.description, key).toMatch(/\*\*Access:\*\* /);
    // The SDK's resource names, plus Hookrelay's own groups.
    for (const tag of ["Application", "Endpoint", "Message", "Message Attempt", "Event Type", "Authentication", "Health"]) {
      expect(declared).toContain(tag);
    }
    for (const tag of ["Source", "Inbound", "Audit log", "Statistics", "API keys"]) expect(declared).toContain(tag);
  });

  it("states the scope each route enforces", () => {
    const ops = new Map(operations(doc).map(({ op }) => [op.operationId, op.description ?? ""]));
    expect(ops.get("v1.message.create")).toContain("`message:create` scope");
    expect(ops.get("v1.application.delete")).toContain("`admin` scope");
    expect(ops.get("v1.health.get")).toContain("public");
    expect(ops.get("v1.authentication.whoami")).toContain("any valid API key");
  });

  it("has a real example wherever a pattern would make the UI invent one, and every example is valid", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    let checked = 0;
    const problems: string[] = [];
    for (const { name, schema } of schemaNodes(doc.paths)) {
      if ("pattern" in schema && !("example" in schema)) problems.push(`${name}: pattern ${String(schema.pattern)} without example`);
      if (!("example" in schema)) continue;
      const validate = ajv.compile(schema);
      if (!validate(schema.example)) problems.push(`${name}: ${JSON.stringify(schema.example)} ${ajv.errorsText(validate.errors)}`);
      checked += 1;
      if (EVENT_TYPE_FIELDS.has(name)) {
        for (const value of [schema.example].flat()) {
          if (!EVENT_TYPE_NAME.test(String(value))) problems.push(`${name}: ${String(value)} is not an event type name`);
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});

describe("the reference UI", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, "sqlite");
  });
  afterAll(async () => t?.close());

  it("is public, titled and branded Hookrelay, and loads nothing from another host", async () => {
    const res = await t.app.inject({ url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<title>Hookrelay API reference</title>");
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const init = await t.app.inject({ url: "/docs/static/swagger-initializer.js" });
    expect(init.statusCode).toBe(200);
    // The spec comes from this server and nothing is sent to swagger.io's online validator.
    expect(init.body).toContain("validatorUrl: null");
    expect(init.body).toContain("resolveUrl('./json')");
    const logo = /img\.src = 'data:image\/svg\+xml;base64,([^']+)'/.exec(init.body);
    expect(Buffer.from(logo?.[1] ?? "", "base64").toString()).toContain(">Hookrelay</text>");
    const assets = await t.app.inject({ url: "/docs/static/swagger-ui-bundle.js" });
    expect(assets.statusCode).toBe(200);
  });
});
