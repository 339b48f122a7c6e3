import type { AuditListQuery, AuditLogOut, AuditVerifyOut } from "../contract/audit.js";
import { Iso, type Page } from "../contract/common.js";
import { parseJson } from "../lib/json.js";
import type { AuditFilter, AuditRepository } from "../store/audit-repository.js";
import { mapPage } from "../store/paginate.js";
import type { AuditRow } from "../store/schema.js";
import { type ApplicationService, requireAllApplications } from "./applications.js";
import type { Changes } from "./audit-diff.js";
import type { Principal } from "./principal.js";

/**
 * A stored audit row in the API's shape.
 *
 * @example mapPage(page, toAuditLogOut)
 */
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

  /** The whole chain is checked, so this is for keys on every application only. */
  async verify(principal: Principal): Promise<AuditVerifyOut> {
    requireAllApplications(principal);
    return this.repo.verify();
  }
}
