import type { Kysely } from "kysely";

import { type Page,type PageRequest, paginate } from "./paginate.js";
import type { Database, SourceRow } from "./schema.js";

/**
 * Inbound sources. Management lookups are scoped to an application, so a source id from another
 * tenant is simply not found; the ingest routes look sources up without a principal, by id or
 * by (platform, application).
 *
 * @example await new SourcesRepository(db).find(app.id, "src_…")
 */
export class SourcesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** By id (`src_…`) or by uid, within one application. */
  async find(appId: string, idOrUid: string): Promise<SourceRow | undefined> {
    const column = idOrUid.startsWith("src_") ? "id" : "uid";
    return this.db
      .selectFrom("sources")
      .selectAll()
      .where("app_id", "=", appId)
      .where(column, "=", idOrUid)
      .executeTakeFirst();
  }

  /**
   * By id alone: `/ingest/{source_id}`. An ingest source (migration 0018) is not found this way:
   * its URL's token is what authenticates a `generic-webhook` source, and the id is no secret.
   */
  async get(id: string): Promise<SourceRow | undefined> {
    return this.db
      .selectFrom("sources")
      .selectAll()
      .where("id", "=", id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom("ingest_sources").select("source_id").whereRef("ingest_sources.source_id", "=", "sources.id"))),
      )
      .executeTakeFirst();
  }

  /** `/ingest/in/{token}`: the ingest source whose token hashes to `tokenHash`. */
  async getByIngestTokenHash(tokenHash: string): Promise<SourceRow | undefined> {
    return this.db
      .selectFrom("ingest_sources")
      .innerJoin("sources", "sources.id", "ingest_sources.source_id")
      .selectAll("sources")
      .where("ingest_sources.token_hash", "=", tokenHash)
      .executeTakeFirst();
  }

  /**
   * The delivery-platform source of an application named by id or uid:
   * `/webhooks/{platform}/{app}`. One query, as it runs on every inbound request.
   */
  async findForPlatform(platform: string, appIdOrUid: string): Promise<SourceRow | undefined> {
    const column = appIdOrUid.startsWith("app_") ? "applications.id" : "applications.uid";
    return this.db
      .selectFrom("sources")
      .innerJoin("applications", "applications.id", "sources.app_id")
      .selectAll("sources")
      .where(column, "=", appIdOrUid)
      .where("sources.platform", "=", platform)
      .executeTakeFirst();
  }

  async list(appId: string, page: PageRequest): Promise<Page<SourceRow>> {
    return paginate(
      this.db.selectFrom("sources").selectAll().where("app_id", "=", appId),
      "id",
      page,
      "ascending",
    );
  }

  /**
   * Throws a unique violation when the uid, or the platform, is taken in the application.
   * Writes take `db`: the transaction of the change's audit row (AuditLog.run).
   */
  async insert(row: SourceRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto("sources").values(row).execute();
  }

  async update(id: string, values: Partial<SourceRow>, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable("sources").set(values).where("id", "=", id).execute();
  }

  /** Deletes the source and its request log in one transaction (the log would cascade on its
   * own where foreign keys are enforced; this does not depend on it). */
  async delete(id: string, db: Kysely<Database> = this.db): Promise<void> {
    const run = async (trx: Kysely<Database>): Promise<void> => {
      await trx.deleteFrom("inbound_requests").where("source_id", "=", id).execute();
      await trx.deleteFrom("sources").where("id", "=", id).execute();
    };
    await (db.isTransaction ? run(db) : db.transaction().execute(run));
  }
}
