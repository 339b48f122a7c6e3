import type { Kysely } from "kysely";

import type { AuditListQuery, AuditLogOut, AuditVerifyOut } from "../contract/audit.js";
import { Iso, type Page } from "../contract/common.js";
import { parseJson } from "../lib/json.js";
import type { AuditFilter, AuditRepository } from "../store/audit-repository.js";
import { mapPage } from "../store/paginate.js";
import type { AuditRow, Database } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import type { Changes } from "./audit-diff.js";
import { type Actor, CLI_ACTOR, type Principal } from "./principal.js";

/** What one change is, in the words of the audit log. */
export interface AuditEntry {
  /** `resource.verb`: `endpoint.update`, `endpoint.secret.rotate`, `token.revoke`, … */
  action: string;
  appId: string | null;
  resourceId: string | null;
  changes: Changes;
}

/**
 * Runs changes together with their audit rows. Every state change made through the API or the
 * CLI goes through {@link AuditLog.run}, so an acknowledged change always has its row and a
 * failed one has none (ADR 6).
 *
 * @example
 * await audit.run(actor, (trx) => repo.update(id, values, trx),
 *   () => ({ action: "endpoint.update", appId, resourceId: id, changes }));
 */
export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: AuditRepository,
  ) {}

  /**
   * Runs `change` in a transaction, then appends the row `describe` makes of its result, and
   * commits both. `change` must run every statement on the `trx` it is handed: on SQLite the
   * transaction holds the only connection, and a query on the outer handle would wait for it
   * forever. Reads and checks belong before the call; caches are cleared after it returns.
   */
  async run<T>(
    actor: Actor,
    change: (trx: Kysely<Database>) => Promise<T>,
    describe: (result: T) => AuditEntry,
  ): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const result = await change(trx);
      const entry = describe(result);
      const type = actorType(actor);
      await this.repo.append(trx, {
        actor_type: type,
        actor_id: type === "cli" ? null : actor.tokenId,
        actor_name: actor.name,
        actor_app_id: actor.appId,
        ip: actor.ip,
        request_id: actor.requestId,
        action: entry.action,
        app_id: entry.appId,
        resource_id: entry.resourceId,
        changes: JSON.stringify(entry.changes),
      });
      return result;
    });
  }
}

/** "cli", "portal" for a consumer-portal session, "key" for an API key. */
function actorType(actor: Actor): string {
  if (actor.tokenId === CLI_ACTOR.tokenId) return "cli";
  return actor.kind;
}

export function toAuditLogOut(row: AuditRow): AuditLogOut {
  return {
    seq: row.seq,
    at: Iso(row.at),
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name, appId: row.actor_app_id },
    ip: row.ip,
    requestId: row.request_id,
    action: row.action,
    appId: row.app_id,
    resourceId: row.resource_id,
    changes: parseJson<Changes>(row.changes, {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Reading and verifying the audit log. A token limited to one application only ever sees that
 * application's rows, whatever it asks for.
 */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly applications: ApplicationService,
  ) {}

  async list(principal: Principal, query: AuditListQuery): Promise<Page<AuditLogOut>> {
    let appId = principal.appId ?? undefined;
    if (query.app_id !== undefined) {
      // Rows outlive their application, so an `app_…` id is taken as it is; a uid must resolve.
      const asked = query.app_id.startsWith("app_")
        ? query.app_id
        : (await this.applications.resolve(principal, query.app_id)).id;
      if (appId !== undefined && asked !== appId)
        return { data: [], iterator: null, prevIterator: null, done: true };
      appId = asked;
    }
    const filter: AuditFilter = {
      appId,
      actor: query.actor,
      action: query.action,
      resourceId: query.resource_id,
      since: query.since !== undefined ? Date.parse(query.since) : undefined,
      until: query.until !== undefined ? Date.parse(query.until) : undefined,
    };
    return mapPage(await this.repo.list(filter, query), toAuditLogOut);
  }

  /** The whole chain is checked, so this is for unscoped callers only (the route checks). */
  async verify(): Promise<AuditVerifyOut> {
    return this.repo.verify();
  }
}
