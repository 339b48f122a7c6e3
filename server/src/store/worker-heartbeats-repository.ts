import type { Kysely } from "kysely";

import type { Database, WorkerHeartbeatRow } from "./schema.js";

/**
 * Where delivery workers report themselves, so every instance's health report sees all of them.
 *
 * @example await new WorkerHeartbeatsRepository(db).report({ owner, host, pid, started_at, last_claim_at, reported_at });
 */
export class WorkerHeartbeatsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the worker's row or brings it up to date. */
  async report(row: WorkerHeartbeatRow): Promise<void> {
    await this.db
      .insertInto("worker_heartbeats")
      .values(row)
      .onConflict((oc) =>
        oc.column("owner").doUpdateSet({ last_claim_at: row.last_claim_at, reported_at: row.reported_at }),
      )
      .execute();
  }

  /** Every reported worker, most recent claim round first. */
  async list(): Promise<WorkerHeartbeatRow[]> {
    const rows = await this.db.selectFrom("worker_heartbeats").selectAll().execute();
    return rows.sort((a, b) => (b.last_claim_at ?? b.started_at) - (a.last_claim_at ?? a.started_at));
  }

  async remove(owner: string): Promise<void> {
    await this.db.deleteFrom("worker_heartbeats").where("owner", "=", owner).execute();
  }

  /** Forgets workers that have not reported since `before` (crashed, never stopped cleanly). */
  async prune(before: number): Promise<number> {
    const r = await this.db.deleteFrom("worker_heartbeats").where("reported_at", "<", before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
