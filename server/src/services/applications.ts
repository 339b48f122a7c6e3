import type { ApplicationIn, ApplicationOut, ApplicationPatch } from "../contract/applications.js";
import { Iso, type Page } from "../contract/common.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { ApplicationsRepository } from "../store/applications-repository.js";
import { OPERATIONAL_APP_ID } from "../store/operational-app.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import type { ApplicationRow } from "../store/schema.js";
import { diffFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import type { Actor } from "./principal.js";
import { isAdmin, type Principal } from "./principal.js";

export function toApplicationOut(row: ApplicationRow): ApplicationOut {
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    metadata: parseJson(row.metadata, {}),
    throttleRate: row.throttle_rate,
    rateLimit: row.throttle_rate,
    createdAt: Iso(row.created_at),
    updatedAt: Iso(row.updated_at),
  };
}

/**
 * Every message names its application, so lookups are cached briefly. Changes made through
 * this instance clear the cache at once; another instance's change is seen within this time.
 */
const APP_CACHE_MS = 1_000;

export class ApplicationService {
  private readonly cache = new TtlCache<string, ApplicationRow>(APP_CACHE_MS);

  constructor(
    private readonly apps: ApplicationsRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The application named by id or uid, if the principal may see it. A token scoped to another
   * application gets the same 404 as a missing one, so ids cannot be probed across tenants.
   */
  async resolve(principal: Principal, idOrUid: string): Promise<ApplicationRow> {
    // The operational-webhook endpoints' application is reached only through their own routes.
    if (idOrUid === OPERATIONAL_APP_ID) throw ApiError.notFound("Application");
    let row = this.cache.get(idOrUid);
    if (!row) {
      row = await this.apps.find(idOrUid);
      if (row) this.cache.set(idOrUid, row);
    }
    if (!row || (principal.appId !== null && principal.appId !== row.id)) throw ApiError.notFound("Application");
    // Internal applications (an ingest source's) are reached through their own routes, or by a
    // token limited to them: the source's portal session.
    if (row.internal !== null && principal.appId !== row.id) throw ApiError.notFound("Application");
    return row;
  }

  /** Drops every cached lookup: after a change made outside this service (its retry schedule). */
  forget(): void {
    this.cache.clear();
  }

  async list(principal: Principal, page: PageRequest): Promise<Page<ApplicationOut>> {
    if (principal.appId !== null) {
      const row = await this.apps.find(principal.appId);
      return { data: row ? [toApplicationOut(row)] : [], iterator: null, prevIterator: null, done: true };
    }
    return mapPage(await this.apps.list(page), toApplicationOut);
  }

  /** Creates an application; with `getIfExists`, an existing one with the same uid is returned instead of a 409. */
  async create(
    actor: Actor,
    input: ApplicationIn,
    getIfExists = false,
  ): Promise<{ app: ApplicationOut; created: boolean }> {
    requireAdmin(actor);
    // The body's uid is checked by its schema; a PUT takes the uid from the path, checked here.
    if (input.uid !== null && input.uid !== undefined && (!UID_PATTERN.test(input.uid) || input.uid === "__proto__")) {
      throw ApiError.badRequest("An application uid may contain only letters, digits, '-', '_' and '.'", "invalid_uid");
    }
    if (input.uid) {
      const existing = await this.apps.find(input.uid);
      if (existing) {
        if (getIfExists) return { app: toApplicationOut(existing), created: false };
        throw ApiError.conflict("An application with this uid already exists");
      }
    }
    const now = Date.now();
    const row: ApplicationRow = {
      id: newId("app"),
      uid: input.uid ?? null,
      name: input.name,
      metadata: JSON.stringify(input.metadata ?? {}),
      throttle_rate: input.throttleRate ?? input.rateLimit ?? null,
      retry_schedule: null,
      internal: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.audit.run(
        actor,
        (trx) => this.apps.insert(row, trx),
        () => ({ action: "application.create", appId: row.id, resourceId: row.id, changes: diffFields(null, auditView(row)) }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const raced = input.uid ? await this.apps.find(input.uid) : undefined;
      if (getIfExists && raced) return { app: toApplicationOut(raced), created: false };
      throw ApiError.conflict("An application with this uid already exists");
    }
    return { app: toApplicationOut(row), created: true };
  }

  async get(principal: Principal, idOrUid: string): Promise<ApplicationOut> {
    return toApplicationOut(await this.resolve(principal, idOrUid));
  }

  /** PUT: replaces the application, or creates it with the path value as uid when it does not exist. */
  async upsert(
    actor: Actor,
    idOrUid: string,
    input: ApplicationIn,
  ): Promise<{ app: ApplicationOut; created: boolean }> {
    const existing = await this.apps.find(idOrUid);
    if (!existing) {
      // A key limited to one application gets the 404 it would get for another tenant's
      // application, so it cannot tell whether that uid exists.
      if (idOrUid.startsWith("app_") || actor.appId !== null) throw ApiError.notFound("Application");
      return this.create(actor, { ...input, uid: input.uid ?? idOrUid });
    }
    await this.resolve(actor, idOrUid);
    requireUidUnchangedOrAdmin(actor, existing, input.uid);
    return { app: await this.write(actor, existing, { ...input, metadata: input.metadata ?? {} }, true), created: false };
  }

  async patch(actor: Actor, idOrUid: string, input: ApplicationPatch): Promise<ApplicationOut> {
    const existing = await this.resolve(actor, idOrUid);
    requireUidUnchangedOrAdmin(actor, existing, input.uid);
    return this.write(actor, existing, input, false);
  }

  async delete(actor: Actor, idOrUid: string): Promise<void> {
    requireAdmin(actor);
    const row = await this.resolve(actor, idOrUid);
    await this.audit.run(
      actor,
      (trx) => this.apps.delete(row.id, trx),
      () => ({ action: "application.delete", appId: row.id, resourceId: row.id, changes: diffFields(auditView(row), null) }),
    );
    this.cache.clear();
  }

  private async write(
    actor: Actor,
    existing: ApplicationRow,
    input: ApplicationPatch,
    replace: boolean,
  ): Promise<ApplicationOut> {
    const rate = input.throttleRate !== undefined ? input.throttleRate : input.rateLimit;
    const next: ApplicationRow = {
      ...existing,
      name: input.name ?? existing.name,
      // A PUT that leaves uid out keeps it: clearing it would make the path just used unreachable.
      uid: input.uid !== undefined ? input.uid : existing.uid,
      metadata: input.metadata !== undefined ? JSON.stringify(input.metadata) : existing.metadata,
      // 0 (allowed by PATCH) means "no limit", like null.
      throttle_rate: rate !== undefined ? rate || null : replace ? null : existing.throttle_rate,
      updated_at: Date.now(),
    };
    this.cache.clear();
    try {
      await this.audit.run(
        actor,
        (trx) => this.apps.update(existing.id, next, trx),
        () => ({
          action: "application.update",
          appId: existing.id,
          resourceId: existing.id,
          changes: diffFields(auditView(existing), auditView(next)),
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.conflict("An application with this uid already exists");
      throw error;
    }
    // Cleared again: a lookup during the transaction may have cached the row as it was.
    this.cache.clear();
    return toApplicationOut(next);
  }
}

/** What the audit log shows of an application. */
function auditView(row: ApplicationRow): Record<string, unknown> {
  return { uid: row.uid, name: row.name, metadata: parseJson(row.metadata, {}), throttleRate: row.throttle_rate };
}

/**
 * Svix's uid pattern (api/common.ts `Uid`), for uids taken from a path rather than a body.
 * `__proto__` is refused besides: as a key of a plain object it would reach the prototype.
 */
const UID_PATTERN = /^[a-zA-Z0-9\-_.]{1,256}$/;

/** Creating or deleting applications, changing a uid and managing keys take an admin key. */
export function requireAdmin(principal: Principal): void {
  if (!isAdmin(principal)) throw insufficientScope("admin");
}

/** Settings shared by every application (event types) take a key that is not limited to one. */
export function requireAllApplications(principal: Principal): void {
  if (principal.appId !== null) throw ApiError.forbidden("This token is limited to one application");
}

/**
 * A uid names the tenant: whoever may change it may take over another tenant's name (the
 * operator's next get-or-create of that uid would return the attacker's application). Sending
 * the current uid back unchanged (SDKs PUT the whole object) is allowed.
 */
function requireUidUnchangedOrAdmin(principal: Principal, existing: ApplicationRow, uid: string | null | undefined): void {
  if (uid === undefined || uid === existing.uid || isAdmin(principal)) return;
  throw insufficientScope("admin", "Only an admin key may change an application's uid");
}

function insufficientScope(scope: string, detail = `This key lacks the ${scope} scope`): ApiError {
  return new ApiError(403, "insufficient_scope", detail);
}
