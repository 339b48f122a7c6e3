import type { Kysely } from "kysely";

import { type Page, type PageRequest, paginate } from "./paginate.js";
import type { ApplicationRow, Database, IngestSourceRow, SourceRow } from "./schema.js";

/** An ingest source: its own row and the Hookrelay source row with the same id. */
export interface IngestSourceRecord {
  ingest: IngestSourceRow;
  source: SourceRow;
}

/**
 * Svix's ingest sources (migration 0018). Each is three rows written together: an internal
 * application (its endpoints are the ingest endpoints), a source of that application, and the
 * `ingest_sources` row with the uid, type, metadata and URL token. Sources of this kind are
 * never reachable at `/ingest/{source_id}` (see SourcesRepository.get), only through their token.
 *
 * @example const found = await new IngestSourcesRepository(db).find("stripe-production")
 */
export class IngestSourcesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** By id (`src_…`) or by uid. */
  async find(idOrUid: string): Promise<IngestSourceRecord | undefined> {
    const column = idOrUid.startsWith("src_") ? "source_id" : "uid";
    const ingest = await this.db.selectFrom("ingest_sources").selectAll().where(column, "=", idOrUid).executeTakeFirst();
    if (!ingest) return undefined;
    const source = await this.db.selectFrom("sources").selectAll().where("id", "=", ingest.source_id).executeTakeFirst();
    return source && { ingest, source };
  }

  async list(page: PageRequest): Promise<Page<IngestSourceRecord>> {
    const rows = await paginate(this.db.selectFrom("ingest_sources").selectAll(), "source_id", page, "ascending");
    const ids = rows.data.map((r) => r.source_id);
    const sources = ids.length === 0 ? [] : await this.db.selectFrom("sources").selectAll().where("id", "in", ids).execute();
    const byId = new Map(sources.map((s) => [s.id, s]));
    return {
      ...rows,
      data: rows.data.flatMap((ingest) => {
        const source = byId.get(ingest.source_id);
        return source ? [{ ingest, source }] : [];
      }),
    };
  }

  /** The application, the source and the ingest row; `db` is the audit row's transaction. */
  async insert(app: ApplicationRow, record: IngestSourceRecord, db: Kysely<Database>): Promise<void> {
    await db.insertInto("applications").values(app).execute();
    await db.insertInto("sources").values(record.source).execute();
    await db.insertInto("ingest_sources").values(record.ingest).execute();
  }

  async update(record: IngestSourceRecord, db: Kysely<Database>): Promise<void> {
    const { ingest, source } = record;
    await db.updateTable("sources").set(source).where("id", "=", source.id).execute();
    await db.updateTable("ingest_sources").set(ingest).where("source_id", "=", ingest.source_id).execute();
  }

  /** The ingest row and the source row with its request log; the caller deletes the application. */
  async delete(sourceId: string, db: Kysely<Database>): Promise<void> {
    await db.deleteFrom("ingest_sources").where("source_id", "=", sourceId).execute();
    await db.deleteFrom("inbound_requests").where("source_id", "=", sourceId).execute();
    await db.deleteFrom("sources").where("id", "=", sourceId).execute();
  }
}
