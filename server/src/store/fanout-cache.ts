import type { Kysely } from "kysely";

import { type CompiledFilter, compileStoredFilter } from "../lib/content-filter.js";
import { parseJson } from "../lib/json.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { Database } from "./schema.js";

/** What fan-out needs to know of an enabled endpoint. */
export interface EndpointRoute {
  id: string;
  eventTypes: string[] | null;
  channels: string[] | null;
  /** The endpoint's content filter, compiled; null = every payload (ADR 0017). */
  contentFilter: CompiledFilter | null;
}

/** Compiled filters kept by their text, so PostgreSQL's uncached reads do not recompile. */
const COMPILED_LIMIT = 10_000;

/**
 * The enabled endpoints of each application, as message fan-out reads them: one query per
 * application per `ttlMs` instead of one per ingest batch, which keeps the batch's write a
 * single round trip to the database.
 *
 * Endpoint writes made through this process (create, update, delete, application delete) call
 * {@link invalidate}, so a message accepted after such a write answered sees it. That covers
 * SQLite, where one process owns the database; the one change made elsewhere, a worker-only
 * process disabling an endpoint, reaches this process within `ttlMs`, and the worker re-reads
 * the endpoint before every send, so a delivery made from a stale entry is failed, never sent.
 * On PostgreSQL other instances write endpoints too, so there `ttlMs` is 0 and every batch reads.
 *
 * @example const routes = await fanoutCache.forApps(["app_…"]); routes.get("app_…") // EndpointRoute[]
 */
export class FanoutCache {
  private readonly cache: TtlCache<string, EndpointRoute[]>;
  /** Bumped by every invalidation: a load that began before one must not be cached. */
  private generation = 0;
  private readonly compiled = new Map<string, CompiledFilter>();

  constructor(
    private readonly db: Kysely<Database>,
    /** 0: no caching, every call reads (PostgreSQL, where other instances write endpoints too). */
    private readonly ttlMs = 1_000,
  ) {
    this.cache = new TtlCache(Math.max(1, ttlMs));
  }

  async forApps(appIds: readonly string[]): Promise<Map<string, EndpointRoute[]>> {
    const result = new Map<string, EndpointRoute[]>();
    const missing: string[] = [];
    for (const appId of appIds) {
      const routes = this.ttlMs > 0 ? this.cache.get(appId) : undefined;
      if (routes) result.set(appId, routes);
      else missing.push(appId);
    }
    if (missing.length === 0) return result;

    const generation = this.generation;
    const rows = await this.db
      .selectFrom("endpoints")
      .select(["id", "app_id", "event_types", "channels", "content_filter"])
      .where("app_id", "in", missing)
      .where("disabled", "=", 0)
      // Polling endpoints are read by their consumers (services/pollers.ts), never delivered to.
      .where("polling", "=", 0)
      .orderBy("id")
      .execute();
    for (const appId of missing) result.set(appId, []);
    for (const row of rows) {
      result.get(row.app_id)!.push({
        id: row.id,
        eventTypes: parseJson<string[] | null>(row.event_types, null),
        channels: parseJson<string[] | null>(row.channels, null),
        contentFilter: row.content_filter == null ? null : this.compile(row.content_filter),
      });
    }
    if (this.ttlMs > 0 && generation === this.generation) {
      for (const appId of missing) this.cache.set(appId, result.get(appId)!);
    }
    return result;
  }

  /** A filter compiled once per text (see {@link compileStoredFilter}: a broken one matches nothing). */
  private compile(text: string): CompiledFilter {
    let filter = this.compiled.get(text);
    if (!filter) {
      filter = compileStoredFilter(text);
      if (this.compiled.size >= COMPILED_LIMIT) this.compiled.clear();
      this.compiled.set(text, filter);
    }
    return filter;
  }

  /** Forgets every application's endpoints; called after any endpoint write in this process. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }
}
