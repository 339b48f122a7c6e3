import { describe, expect, it } from "vitest";

import { openApiOf, parseSpecText, webhooksOf } from "./openapi-webhooks.js";

const YAML = `
openapi: 3.1.0
info: { title: Webhook Example, version: 1.0.0 }
webhooks:
  pet.new:
    post:
      description: Information about a new pet in the system
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Pet"
      responses:
        "200": { description: ok }
  pet.gone:
    post:
      summary: A pet left
      deprecated: true
      x-svix-feature-flags: [beta]
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: integer, format: int64 }
        name: { type: string }
        parent: { $ref: "#/components/schemas/Pet" }
`;

describe("webhooksOf", () => {
  it("reads each webhook's description, schema (refs inlined, recursion kept as a ref), deprecation and flags", () => {
    const { webhooks, invalid } = webhooksOf(parseSpecText(YAML));
    expect(invalid).toEqual([]);
    expect(webhooks).toEqual([
      {
        name: "pet.new",
        description: "Information about a new pet in the system",
        schema: {
          type: "object",
          required: ["id", "name"],
          properties: { id: { type: "integer", format: "int64" }, name: { type: "string" }, parent: { $ref: "#/components/schemas/Pet" } },
        },
        deprecated: false,
        groupName: null,
        featureFlags: null,
      },
      { name: "pet.gone", description: "A pet left", schema: null, deprecated: true, groupName: null, featureFlags: ["beta"] },
    ]);
  });

  it("reads x-webhooks (OpenAPI 3.0), reports bad names, and refuses documents without webhooks", () => {
    expect(webhooksOf({ "x-webhooks": { "a.b": { post: {} } } }).webhooks.map((w) => w.name)).toEqual(["a.b"]);
    expect(webhooksOf({ webhooks: { "has space": { post: {} }, ok: { post: {} } } }).invalid).toEqual(["has space"]);
    expect(() => webhooksOf({ openapi: "3.1.0" })).toThrow(/no webhooks/);
    expect(() => webhooksOf("text")).toThrow(/not an object/);
  });

  it("stops a document whose refs expand without bound", () => {
    const schemas: Record<string, unknown> = { S0: { type: "string" } };
    for (let i = 1; i <= 40; i++) schemas[`S${i}`] = { allOf: [{ $ref: `#/components/schemas/S${i - 1}` }, { $ref: `#/components/schemas/S${i - 1}` }] };
    const spec = { webhooks: { big: { post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/S40" } } } } } } }, components: { schemas } };
    expect(() => webhooksOf(spec)).toThrow(/too large/);
  });

  it("reads back what openApiOf writes", () => {
    const webhooks = webhooksOf(parseSpecText(YAML)).webhooks;
    expect(webhooksOf(openApiOf("t", webhooks)).webhooks).toEqual(webhooks);
  });

  it("refuses YAML alias bombs", () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]`;
    expect(() => parseSpecText(bomb)).toThrow();
  });
});
