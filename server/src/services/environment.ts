import { Iso } from "../contract/common.js";
import { ENVIRONMENT_VERSION, type EnvironmentIn, type EnvironmentOut } from "../contract/environment.js";
import type { EventTypeEntry, EventTypeOut } from "../contract/event-types.js";
import { ApiError } from "../lib/errors.js";
import { requireAllApplications } from "./applications.js";
import type { EventTypeService } from "./event-types.js";
import type { Actor, Principal } from "./principal.js";

const PAGE = 250;

/**
 * Svix's `environment.export` / `environment.import`: the event catalogue as one JSON document.
 * Every event type imported goes through the event type service (`upsert`), so each change is
 * audited like an API edit and an unchanged one is still rewritten with the same values. The
 * whole configuration (applications, endpoints, sources …) is `hookrelay export`'s job (ADR 21).
 *
 * @example const doc = await environment.export(principal); await environment.import(actor, doc);
 */
export class EnvironmentService {
  constructor(private readonly eventTypes: EventTypeService) {}

  async export(principal: Principal): Promise<EnvironmentOut> {
    const eventTypes: EventTypeOut[] = [];
    let iterator: string | undefined;
    for (;;) {
      const page = await this.eventTypes.list(principal, {
        limit: PAGE,
        include_archived: true,
        with_content: true,
        ...(iterator ? { iterator } : {}),
      });
      eventTypes.push(...page.data);
      if (page.done || !page.iterator) break;
      iterator = page.iterator;
    }
    return { version: ENVIRONMENT_VERSION, createdAt: Iso(Date.now()), eventTypes, settings: null, connectors: [] };
  }

  async import(actor: Actor, input: EnvironmentIn): Promise<void> {
    requireAllApplications(actor);
    const entries = input.eventTypes ?? [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.name)) throw ApiError.badRequest(`Event type ${entry.name} appears twice in the document`, "duplicate_event_type");
      seen.add(entry.name);
      if ((entry.featureFlags?.length ?? 0) > 1) throw ApiError.badRequest(`${entry.name}: one feature flag per event type is supported`);
    }
    for (const entry of entries) await this.eventTypes.upsert(actor, entry.name, toUpdate(entry));
  }
}

function toUpdate(entry: EventTypeEntry) {
  return {
    description: entry.description,
    archived: entry.archived ?? false,
    deprecated: entry.deprecated ?? false,
    featureFlag: entry.featureFlag ?? entry.featureFlags?.[0] ?? null,
    schemas: entry.schemas ?? null,
  };
}
