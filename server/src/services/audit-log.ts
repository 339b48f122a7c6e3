import type { Kysely } from "kysely";

import type { AuditRepository } from "../store/audit-repository.js";
import type { Database } from "../store/schema.js";
import type { Changes } from "./audit-diff.js";
import { type Actor, CLI_ACTOR } from "./principal.js";

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
