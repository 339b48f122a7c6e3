import type { EventTypeFromOpenApi, EventTypeImportOpenApiIn, EventTypeImportOpenApiOut } from "../contract/event-type-openapi.js";
import type { EventTypeListQuery, EventTypeOut, EventTypeSchemas, EventTypeUpdate } from "../contract/event-types.js";
import { ApiError } from "../lib/errors.js";
import { openApiOf, type OpenApiWebhook, parseSpecText, webhooksOf } from "../lib/openapi-webhooks.js";
import { requireAllApplications } from "./applications.js";
import type { EventTypeService } from "./event-types.js";
import type { Actor, Principal } from "./principal.js";

const PAGE = 250;

/**
 * The event catalog as an OpenAPI document, both ways: Svix's `importOpenapi` (create or update
 * one event type per webhook of the document, unarchiving as it goes; `replaceAll` archives the
 * rest; `dryRun` only reports) and an export whose output the import reads back unchanged. Every
 * change goes through the event type service, so each is audited like an API edit.
 *
 * @example await openapi.import(actor, { specRaw: yamlText, dryRun: true, replaceAll: false })
 */
export class EventTypeOpenApiService {
  constructor(private readonly eventTypes: EventTypeService) {}

  async import(actor: Actor, input: EventTypeImportOpenApiIn): Promise<EventTypeImportOpenApiOut> {
    requireAllApplications(actor);
    const wanted = this.read(input);
    const existing = new Map((await this.all(actor, true)).map((t) => [t.name, t]));
    const changes = wanted.filter((w) => differs(existing.get(w.name), w));
    const names = new Set(wanted.map((w) => w.name));
    const archive = input.replaceAll ? [...existing.values()].filter((t) => !t.archived && !names.has(t.name)).map((t) => t.name) : [];
    const modified = [...changes.map((c) => c.name), ...archive];
    if (input.dryRun) return { data: { modified, to_modify: changes.map(toFromOpenApi) } };
    for (const change of changes) await this.eventTypes.upsert(actor, change.name, toUpdate(change));
    for (const name of archive) await this.eventTypes.delete(actor, name, false);
    return { data: { modified } };
  }

  /** Every live event type as an OpenAPI 3.1 document, each with its latest schema version. */
  async export(principal: Principal): Promise<Record<string, unknown>> {
    const types = (await this.all(principal, false)).sort((a, b) => (a.name < b.name ? -1 : 1));
    return openApiOf("Event catalog", types.map(toWebhook));
  }

  private read(input: EventTypeImportOpenApiIn): OpenApiWebhook[] {
    let spec: unknown = input.spec;
    if (input.specRaw != null) {
      try {
        spec = parseSpecText(input.specRaw);
      } catch (error) {
        throw ApiError.badRequest(`specRaw is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`, "invalid_spec");
      }
    }
    let found: ReturnType<typeof webhooksOf>;
    try {
      found = webhooksOf(spec);
    } catch (error) {
      throw ApiError.badRequest(`The OpenAPI document cannot be imported: ${(error as Error).message}`, "invalid_spec");
    }
    if (found.invalid.length > 0) {
      throw ApiError.badRequest(`Not valid event type names (letters, digits, - _ . only): ${found.invalid.slice(0, 10).join(", ")}`, "invalid_spec");
    }
    const multiFlag = found.webhooks.find((w) => (w.featureFlags?.length ?? 0) > 1);
    if (multiFlag) throw ApiError.badRequest(`${multiFlag.name}: one feature flag per event type is supported`, "invalid_spec");
    return found.webhooks;
  }

  private async all(principal: Principal, includeArchived: boolean): Promise<EventTypeOut[]> {
    const out: EventTypeOut[] = [];
    let iterator: string | undefined;
    for (;;) {
      const query: EventTypeListQuery = { limit: PAGE, include_archived: includeArchived, with_content: true, ...(iterator ? { iterator } : {}) };
      const page = await this.eventTypes.list(principal, query);
      out.push(...page.data);
      if (page.done || !page.iterator) return out;
      iterator = page.iterator;
    }
  }
}

function schemasOf(w: OpenApiWebhook): EventTypeSchemas | null {
  return w.schema ? { "1": w.schema } : null;
}

function toUpdate(w: OpenApiWebhook): EventTypeUpdate {
  return { description: w.description, deprecated: w.deprecated, archived: false, featureFlag: w.featureFlags?.[0] ?? null, schemas: schemasOf(w) };
}

function toFromOpenApi(w: OpenApiWebhook): EventTypeFromOpenApi {
  return { name: w.name, description: w.description, schemas: w.schema, deprecated: w.deprecated, groupName: w.groupName, featureFlags: w.featureFlags };
}

/** Whether importing `w` would change the stored event type (or create it). */
function differs(current: EventTypeOut | undefined, w: OpenApiWebhook): boolean {
  if (!current) return true;
  return (
    current.archived ||
    current.description !== w.description ||
    current.deprecated !== w.deprecated ||
    current.featureFlag !== (w.featureFlags?.[0] ?? null) ||
    JSON.stringify(current.schemas ?? null) !== JSON.stringify(schemasOf(w))
  );
}

/** The latest schema version (highest numeric key) of an event type, as a webhook. */
function toWebhook(t: EventTypeOut): OpenApiWebhook {
  const versions = Object.keys(t.schemas ?? {}).sort((a, b) => Number(b) - Number(a));
  const latest = versions[0] === undefined ? undefined : t.schemas?.[versions[0]];
  return {
    name: t.name,
    description: t.description,
    schema: typeof latest === "object" && latest !== null ? (latest as Record<string, unknown>) : null,
    deprecated: t.deprecated,
    groupName: t.groupName,
    featureFlags: t.featureFlag ? [t.featureFlag] : null,
  };
}
