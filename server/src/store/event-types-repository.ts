import type { Kysely } from "kysely";

import { type Page,type PageRequest, paginate } from "./paginate.js";
import type { Database, EventTypeRow } from "./schema.js";

/**
 * Event types: global (not per application) and keyed by name. Deleting through the API
 * normally archives a row; only an expunge removes it.
 *
 * @example await new EventTypesRepository(db).find("invoice.paid")
 */
export class EventTypesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(name: string, db: Kysely<Database> = this.db): Promise<EventTypeRow | undefined> {
    return db.selectFrom("event_types").selectAll().where("name", "=", name).executeTakeFirst();
  }

  /** Throws a unique violation when the name is taken. Writes take `db`: the audit row's transaction. */
  async insert(row: EventTypeRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto("event_types").values(row).execute();
  }

  /** Inserts unless the name exists; true when this call created the row. */
  async insertIfMissing(row: EventTypeRow): Promise<boolean> {
    const result = await this.db
      .insertInto("event_types")
      .values(row)
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async update(name: string, values: Partial<EventTypeRow>, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable("event_types").set(values).where("name", "=", name).execute();
  }

  async delete(name: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.deleteFrom("event_types").where("name", "=", name).execute();
  }

  /** Pages by name, ascending unless asked otherwise; archived rows only when asked. */
  async list(page: PageRequest, includeArchived: boolean): Promise<Page<EventTypeRow>> {
    let q = this.db.selectFrom("event_types").selectAll();
    if (!includeArchived) q = q.where("archived", "=", 0);
    return paginate(q, "name", page, "ascending");
  }
}
