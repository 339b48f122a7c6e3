import { parse as parseYaml } from "yaml";

/** One webhook of an OpenAPI document, as an event type sees it. */
export interface OpenApiWebhook {
  name: string;
  description: string;
  /** The `application/json` request body schema with `#/components/schemas/…` refs inlined; null when none. */
  schema: Record<string, unknown> | null;
  deprecated: boolean;
  groupName: string | null;
  featureFlags: string[] | null;
}

const NAME = /^[a-zA-Z0-9\-_.]{1,256}$/;
const MAX_NODES = 100_000;

/**
 * Reads YAML or JSON text (JSON is YAML). Throws with the parser's message on bad text.
 *
 * @example parseSpecText("openapi: 3.1.0\nwebhooks: {}") // { openapi: "3.1.0", webhooks: {} }
 */
export function parseSpecText(text: string): unknown {
  // maxAliasCount bounds "billion laughs" expansion of YAML aliases.
  return parseYaml(text, { maxAliasCount: 100 });
}

/**
 * The webhooks an OpenAPI 3.1 document declares under `webhooks` (or the 3.0 extension
 * `x-webhooks`): one per key, from its `post` operation (else the first operation): the
 * description (else summary), the JSON request body schema, `deprecated`, and Svix's
 * `x-svix-group-name` / `x-svix-feature-flags`. Keys that are not valid event type names are
 * reported in `invalid` rather than dropped silently.
 *
 * @example webhooksOf(spec).webhooks.map((w) => w.name) // ["pet.new"]
 */
export function webhooksOf(spec: unknown): { webhooks: OpenApiWebhook[]; invalid: string[] } {
  if (!isObject(spec)) throw new Error("the document is not an object");
  const section = spec.webhooks ?? spec["x-webhooks"];
  if (section === undefined) throw new Error("the document has no webhooks (or x-webhooks) section");
  if (!isObject(section)) throw new Error("webhooks must be an object keyed by event type");
  const components = isObject(spec.components) && isObject(spec.components.schemas) ? spec.components.schemas : {};
  const webhooks: OpenApiWebhook[] = [];
  const invalid: string[] = [];
  for (const [name, item] of Object.entries(section)) {
    if (!NAME.test(name) || !isObject(item)) {
      invalid.push(name);
      continue;
    }
    const op = isObject(item.post) ? item.post : Object.values(item).find(isObject);
    const content = op && isObject(op.requestBody) && isObject(op.requestBody.content) ? op.requestBody.content : undefined;
    const json = content && (content["application/json"] ?? Object.values(content)[0]);
    const schema = isObject(json) && isObject(json.schema) ? inlineRefs(json.schema, components) : null;
    const flags = op?.["x-svix-feature-flags"];
    webhooks.push({
      name,
      description: text(op?.description) ?? text(op?.summary) ?? text(item.description) ?? "",
      schema: isObject(schema) ? schema : null,
      deprecated: op?.deprecated === true,
      groupName: text(op?.["x-svix-group-name"]) ?? null,
      featureFlags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === "string") : null,
    });
  }
  return { webhooks, invalid };
}

/**
 * An OpenAPI 3.1 document whose `webhooks` are the given event types, each a `post` with its
 * latest schema as the JSON request body: what {@link webhooksOf} reads back.
 *
 * @example openApiOf("Acme", [{ name: "invoice.paid", description: "…", schema: { type: "object" }, … }])
 */
export function openApiOf(title: string, webhooks: OpenApiWebhook[]): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const w of webhooks) {
    section[w.name] = {
      post: {
        operationId: w.name,
        description: w.description,
        ...(w.deprecated ? { deprecated: true } : {}),
        ...(w.groupName ? { "x-svix-group-name": w.groupName } : {}),
        ...(w.featureFlags?.length ? { "x-svix-feature-flags": w.featureFlags } : {}),
        // No schema, no body: a schema made up here would come back as one on import.
        ...(w.schema ? { requestBody: { content: { "application/json": { schema: w.schema } } } } : {}),
        responses: { "2XX": { description: "Return any 2XX status to indicate that the data was received successfully" } },
      },
    };
  }
  return { openapi: "3.1.0", info: { title, version: "1.0.0" }, paths: {}, webhooks: section };
}

/**
 * Replaces `#/components/schemas/…` refs by their targets. A ref met again inside itself (a
 * recursive schema) stays a `$ref`; the expansion is capped in size so a document of refs
 * pointing at refs cannot grow without bound.
 */
function inlineRefs(value: unknown, components: Record<string, unknown>, budget = { nodes: MAX_NODES }, path: readonly string[] = []): unknown {
  if (--budget.nodes < 0) throw new Error("a webhook schema is too large once its $refs are expanded");
  if (Array.isArray(value)) return value.map((v) => inlineRefs(v, components, budget, path));
  if (!isObject(value)) return value;
  const ref = value.$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) {
    const target = components[ref.slice("#/components/schemas/".length)];
    if (target === undefined || path.includes(ref)) return value;
    return inlineRefs(target, components, budget, [...path, ref]);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inlineRefs(v, components, budget, path)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
