import type { Kysely } from "kysely";

import { BatchLoader } from "../lib/batch-loader.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { Database, EndpointTransformationRow } from "./schema.js";

/**
 * Endpoint transformations (migration 0014): read and written by the transformation service.
 *
 * @example await new TransformationsRepository(db).get("ep_…") // { endpoint_id, code, enabled, updated_at } | undefined
 */
export class TransformationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(
    endpointId: string,
    db: Kysely<Database> = this.db,
  ): Promise<EndpointTransformationRow | undefined> {
    return db
      .selectFrom("endpoint_transformations")
      .selectAll()
      .where("endpoint_id", "=", endpointId)
      .executeTakeFirst();
  }

  /** Inserts or replaces the endpoint's row (inside the audit transaction `db`). */
  async put(row: EndpointTransformationRow, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto("endpoint_transformations")
      .values(row)
      .onConflict((oc) =>
        oc
          .column("endpoint_id")
          .doUpdateSet({ code: row.code, enabled: row.enabled, updated_at: row.updated_at }),
      )
      .execute();
  }
}

/**
 * How long the worker keeps what it read about an endpoint's transformation. A change reaches
 * every worker within this time, as application policies do (`delivery-policies.ts`); it keeps
 * the lookup to at most one small query per second for endpoints without a transformation.
 */
const TRANSFORMATION_CACHE_MS = 1_000;

/**
 * The enabled transformation code of an endpoint, for the worker. Cached; the misses of one
 * event-loop turn (a claim batch dispatching at once) are read in one query. Endpoints with
 * none, or a disabled one, are cached as null.
 *
 * @example const code = await new TransformationCache(store.db).codeFor("ep_1") // "function handler…" | undefined
 */
export class TransformationCache {
  private readonly cache = new TtlCache<string, string | null>(TRANSFORMATION_CACHE_MS);
  private readonly loader = new BatchLoader<string, string>((ids) => this.load(ids));

  constructor(private readonly db: Kysely<Database>) {}

  async codeFor(endpointId: string): Promise<string | undefined> {
    const hit = this.cache.get(endpointId);
    if (hit !== undefined) return hit ?? undefined;
    return this.loader.load(endpointId);
  }

  private async load(endpointIds: string[]): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom("endpoint_transformations")
      .select(["endpoint_id", "code"])
      .where("endpoint_id", "in", endpointIds)
      .where("enabled", "=", 1)
      .where("code", "is not", null)
      .execute();
    const now = Date.now();
    const found = new Map<string, string>();
    for (const row of rows) if (row.code !== null) found.set(row.endpoint_id, row.code);
    for (const id of endpointIds) this.cache.set(id, found.get(id) ?? null, now);
    return found;
  }
}
