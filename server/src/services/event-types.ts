import { Iso, type Page } from "../contract/common.js";
import type {
  EventTypeIn,
  EventTypeListQuery,
  EventTypeOut,
  EventTypePatch,
  EventTypeSchemas,
  EventTypeUpdate,
} from "../contract/event-types.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { parseJson } from "../lib/json.js";
import type { EventTypesRepository } from "../store/event-types-repository.js";
import { mapPage } from "../store/paginate.js";
import type { EventTypeRow } from "../store/schema.js";
import { requireAllApplications } from "./applications.js";
import { diffFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import type { Actor, Principal } from "./principal.js";

/**
 * The API shape of a stored event type; `withContent: false` leaves out the schemas, which
 * listings skip by default because they can be many kilobytes each.
 *
 * @example toEventTypeOut(row, false).schemas // null
 */
export function toEventTypeOut(row: EventTypeRow, withContent = true): EventTypeOut {
  return {
    name: row.name,
    description: row.description,
    archived: row.archived === 1,
    deprecated: row.deprecated === 1,
    featureFlag: row.feature_flag,
    featureFlags: row.feature_flag !== null ? [row.feature_flag] : null,
    groupName: null,
    schemas: withContent ? parseJson<EventTypeSchemas | null>(row.schemas, null) : null,
    createdAt: Iso(row.created_at),
    updatedAt: Iso(row.updated_at),
  };
}

/**
 * The global catalogue of event types. Producers may send messages of types that are not
 * registered (as in Svix); registering one adds a description, schemas and a place in the
 * dashboard. Reading is open to every token, changing it needs an unscoped one.
 *
 * @example await eventTypes.create(principal, { name: "invoice.paid", description: "An invoice was paid" })
 */
export class EventTypeService {
  constructor(
    private readonly repo: EventTypesRepository,
    private readonly audit: AuditLog,
  ) {}

  async list(_principal: Principal, query: EventTypeListQuery): Promise<Page<EventTypeOut>> {
    const page = await this.repo.list(query, query.include_archived);
    return mapPage(page, (row) => toEventTypeOut(row, query.with_content));
  }

  /**
   * Creates an event type. A live one with the same name is a 409; an archived one is brought
   * back with the new fields, because "delete" only archived it and the name is still taken.
   */
  async create(actor: Actor, input: EventTypeIn): Promise<EventTypeOut> {
    requireAllApplications(actor);
    const existing = await this.repo.find(input.name);
    if (existing && existing.archived === 0)
      throw ApiError.conflict("An event type with this name already exists");
    const now = Date.now();
    if (existing) {
      const next = this.fill(existing, input, true, now);
      await this.save(actor, "event-type.create", existing, next);
      return toEventTypeOut(next);
    }
    const row = this.fill(newRow(input.name, now), input, true, now);
    try {
      await this.save(actor, "event-type.create", null, row);
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict("An event type with this name already exists");
      throw error;
    }
    return toEventTypeOut(row);
  }

  /** Archived event types are found too, so they can be inspected and restored. */
  async get(_principal: Principal, name: string): Promise<EventTypeOut> {
    return toEventTypeOut(await this.resolve(name));
  }

  /** PUT: replaces the event type, or creates it under the path's name. */
  async upsert(
    actor: Actor,
    name: string,
    input: EventTypeUpdate,
  ): Promise<{ eventType: EventTypeOut; created: boolean }> {
    requireAllApplications(actor);
    const existing = await this.repo.find(name);
    if (!existing) {
      const now = Date.now();
      const row = this.fill(newRow(name, now), input, true, now);
      try {
        await this.save(actor, "event-type.create", null, row);
        return { eventType: toEventTypeOut(row), created: true };
      } catch (error) {
        // Another PUT created it first; fall through and replace theirs, as a later PUT would.
        if (!isUniqueViolation(error)) throw error;
      }
    }
    const current = existing ?? (await this.resolve(name));
    const next = this.fill(current, input, true, Date.now());
    await this.save(actor, "event-type.update", current, next);
    return { eventType: toEventTypeOut(next), created: false };
  }

  async patch(actor: Actor, name: string, input: EventTypePatch): Promise<EventTypeOut> {
    requireAllApplications(actor);
    const existing = await this.resolve(name);
    const next = this.fill(existing, input, false, Date.now());
    await this.save(actor, "event-type.update", existing, next);
    return toEventTypeOut(next);
  }

  /** Archives the event type, or removes it for good with `expunge`. */
  async delete(actor: Actor, name: string, expunge: boolean): Promise<void> {
    requireAllApplications(actor);
    const existing = await this.resolve(name);
    if (expunge) await this.save(actor, "event-type.delete", existing, null);
    else await this.save(actor, "event-type.archive", existing, { ...existing, archived: 1, updated_at: Date.now() });
  }

  /** Writes `after` over `before` (null: absent) with its audit row, in one transaction. */
  private async save(actor: Actor, action: string, before: EventTypeRow | null, after: EventTypeRow | null): Promise<void> {
    await this.audit.run(
      actor,
      (trx) =>
        after === null
          ? this.repo.delete(before!.name, trx)
          : before === null
            ? this.repo.insert(after, trx)
            : this.repo.update(before.name, after, trx),
      () => ({
        action,
        appId: null,
        resourceId: (after ?? before)!.name,
        changes: diffFields(auditView(before), auditView(after)),
      }),
    );
  }

  /**
   * Registers an event type unless one of that name exists (archived or not: an operator's
   * archive or edit wins over the built-in definition). Safe to call concurrently and on
   * every start.
   *
   * @example await eventTypes.ensure("stripe.invoice.paid", "Stripe: an invoice was paid", { type: "object" })
   */
  async ensure(name: string, description: string, schema?: Record<string, unknown>): Promise<EventTypeOut> {
    const now = Date.now();
    const row: EventTypeRow = {
      ...newRow(name, now),
      description,
      schemas: schema ? JSON.stringify({ "1": schema }) : null,
    };
    if (await this.repo.insertIfMissing(row)) return toEventTypeOut(row);
    return toEventTypeOut(await this.resolve(name));
  }

  /** The event type with its schemas, archived or not; undefined when unknown. */
  async find(name: string): Promise<EventTypeOut | undefined> {
    const row = await this.repo.find(name);
    return row ? toEventTypeOut(row) : undefined;
  }

  private async resolve(name: string): Promise<EventTypeRow> {
    const row = await this.repo.find(name);
    if (!row) throw ApiError.notFound("Event type");
    return row;
  }

  /**
   * Applies input to a row. `replace` (POST, PUT) resets what the input leaves out, including
   * `archived`, so re-creating or replacing an archived type restores it; PATCH keeps it.
   */
  private fill(row: EventTypeRow, input: EventTypePatch, replace: boolean, now: number): EventTypeRow {
    const flag =
      input.featureFlag !== undefined
        ? input.featureFlag
        : input.featureFlags === undefined
          ? undefined
          : (input.featureFlags?.[0] ?? null);
    const keep = <T>(value: T | undefined, current: T, fallback: T): T =>
      value !== undefined ? value : replace ? fallback : current;
    return {
      ...row,
      description: input.description ?? row.description,
      archived: keep(toFlag(input.archived), row.archived, 0),
      deprecated: keep(toFlag(input.deprecated), row.deprecated, 0),
      feature_flag: keep(flag, row.feature_flag, null),
      schemas: keep(
        input.schemas !== undefined
          ? input.schemas === null
            ? null
            : JSON.stringify(input.schemas)
          : undefined,
        row.schemas,
        null,
      ),
      updated_at: now,
    };
  }
}

/** What the audit log shows of an event type. */
function auditView(row: EventTypeRow | null): Record<string, unknown> | null {
  return (
    row && {
      description: row.description,
      archived: row.archived === 1,
      deprecated: row.deprecated === 1,
      featureFlag: row.feature_flag,
      schemas: parseJson<EventTypeSchemas | null>(row.schemas, null),
    }
  );
}

function newRow(name: string, now: number): EventTypeRow {
  return {
    name,
    description: "",
    archived: 0,
    deprecated: 0,
    feature_flag: null,
    schemas: null,
    retry_schedule: null,
    created_at: now,
    updated_at: now,
  };
}

function toFlag(value: boolean | undefined): number | undefined {
  return value === undefined ? undefined : value ? 1 : 0;
}
