import type { Kysely } from "kysely";

import type { FanoutCache } from "./fanout-cache.js";
import { type Page,type PageRequest, paginate } from "./paginate.js";
import type { ApplicationRow, Database } from "./schema.js";

export class ApplicationsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** Dropped when an application (and with it its endpoints) is deleted. */
    private readonly routes: FanoutCache,
  ) {}

  /** By id (`app_…`) or by uid. */
  async find(idOrUid: string): Promise<ApplicationRow | undefined> {
    const column = idOrUid.startsWith("app_") ? "id" : "uid";
    return this.db.selectFrom("applications").selectAll().where(column, "=", idOrUid).executeTakeFirst();
  }

  /** Writes take `db`: pass the transaction of the change's audit row (AuditLog.run). */
  async insert(row: ApplicationRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto("applications").values(row).execute();
  }

  async update(id: string, values: Partial<ApplicationRow>, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable("applications").set(values).where("id", "=", id).execute();
  }

  /**
   * Every application users manage: internal ones (the operational-webhook application, each
   * ingest source's application; migration 0018) are left out.
   */
  async list(page: PageRequest): Promise<Page<ApplicationRow>> {
    const query = this.db.selectFrom("applications").selectAll().where("internal", "is", null);
    return paginate(query, "id", page, "ascending");
  }

  /** Deletes the application and everything that belongs to it, in one transaction. */
  async delete(id: string, db: Kysely<Database> = this.db): Promise<void> {
    const run = async (trx: Kysely<Database>): Promise<void> => {
      await trx.deleteFrom("attempts").where("app_id", "=", id).execute();
      await trx.deleteFrom("deliveries").where("app_id", "=", id).execute();
      await trx.deleteFrom("messages").where("app_id", "=", id).execute();
      await trx.deleteFrom("tasks").where("app_id", "=", id).execute();
      await trx.deleteFrom("endpoints").where("app_id", "=", id).execute();
      await trx.deleteFrom("applications").where("id", "=", id).execute();
    };
    await (db.isTransaction ? run(db) : db.transaction().execute(run));
    this.routes.invalidate();
  }
}
