import type { Kysely } from "kysely";

import { parseJson } from "../lib/json.js";
import type { FanoutCache } from "./fanout-cache.js";
import { type Page, type PageRequest, paginate } from "./paginate.js";
import type { Database, EndpointRow } from "./schema.js";

/** One entry of `endpoints.old_secrets`: a previous secret (sealed) and when it stops signing. */
export interface OldSecret {
  key: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Columns a conditional update may compare: the JSON/secret values changed by read-modify-write. */
export type EndpointVersion = Partial<Pick<EndpointRow, "secret" | "old_secrets" | "headers">>;

/**
 * Endpoints of an application. Lookups are always scoped to the application, so an endpoint id
 * from another tenant is simply not found. Every write drops the fan-out cache
 * ({@link FanoutCache}), so messages accepted after it see the change.
 *
 * @example await new EndpointsRepository(store.db, store.fanoutCache).find(app.id, "ep_…")
 */
export class EndpointsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly routes: FanoutCache,
  ) {}

  /**
   * By id (`ep_…`) or by uid, within one application. Writes (and reads inside a change) take
   * `db`: pass the transaction of the change's audit row (AuditLog.run).
   */
  async find(appId: string, idOrUid: string, db: Kysely<Database> = this.db): Promise<EndpointRow | undefined> {
    const column = idOrUid.startsWith("ep_") ? "id" : "uid";
    return db
      .selectFrom("endpoints")
      .selectAll()
      .where("app_id", "=", appId)
      .where(column, "=", idOrUid)
      .executeTakeFirst();
  }

  /** By id alone, for callers that already hold a trusted id (worker, attempts). */
  async get(id: string, db: Kysely<Database> = this.db): Promise<EndpointRow | undefined> {
    return db.selectFrom("endpoints").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Throws a unique violation when the uid is taken in the application. */
  async insert(row: EndpointRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto("endpoints").values(row).execute();
    this.routes.invalidate();
  }

  async update(id: string, values: Partial<EndpointRow>, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable("endpoints").set(values).where("id", "=", id).execute();
    this.routes.invalidate();
  }

  /**
   * Updates only if the compared columns still hold the values read: a compare-and-set that
   * works the same on SQLite and PostgreSQL (no `FOR UPDATE`), so two concurrent secret
   * rotations or header patches cannot silently drop each other's change. False when lost.
   */
  async updateIf(
    id: string,
    expected: EndpointVersion,
    values: Partial<EndpointRow>,
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    let q = db.updateTable("endpoints").set(values).where("id", "=", id);
    for (const [column, value] of Object.entries(expected) as [keyof EndpointVersion, string][]) {
      q = q.where(column, "=", value);
    }
    const result = await q.executeTakeFirst();
    this.routes.invalidate();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Deletes the endpoint only: its deliveries and attempts stay as history. */
  async delete(id: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom("endpoints").where("id", "=", id).execute();
    this.routes.invalidate();
  }

  async list(appId: string, page: PageRequest): Promise<Page<EndpointRow>> {
    return paginate(
      this.db.selectFrom("endpoints").selectAll().where("app_id", "=", appId),
      "id",
      page,
      "ascending",
    );
  }

  /** The filters of the application's enabled endpoints, polling ones included (`message.precheck`). */
  async enabledFilters(appId: string): Promise<{ eventTypes: string[] | null; channels: string[] | null }[]> {
    const rows = await this.db
      .selectFrom("endpoints")
      .select(["event_types", "channels"])
      .where("app_id", "=", appId)
      .where("disabled", "=", 0)
      .execute();
    return rows.map((r) => ({
      eventTypes: parseJson<string[] | null>(r.event_types, null),
      channels: parseJson<string[] | null>(r.channels, null),
    }));
  }
}
