import type { Kysely } from "kysely";

import type { Dialect, Store } from "./database.js";
import { insertQueries } from "./insert-queries.js";
import { type Page,type PageRequest, paginate } from "./paginate.js";
import type { Database, InboundReprocessRow, InboundRequestRow, InboundStatus } from "./schema.js";

/** Every column, in insert order (for {@link insertQueries}). */
export const INBOUND_REQUEST_COLUMNS = [
  "id",
  "source_id",
  "app_id",
  "provider",
  "status",
  "reason",
  "provider_event_type",
  "event_id",
  "dedupe_key",
  "dedupe_until",
  "msg_id",
  "source_ip",
  "headers",
  "body",
  "body_encoding",
  "body_truncated",
  "size",
  "processing_ms",
  "received_at",
  "retried_at",
] as const satisfies readonly (keyof InboundRequestRow)[];

/** What the request log lists: everything but the stored headers and body. */
export type InboundRequestSummary = Omit<InboundRequestRow, "headers" | "body" | "dedupe_key" | "dedupe_until">;

const SUMMARY_COLUMNS = [
  "id",
  "source_id",
  "app_id",
  "provider",
  "status",
  "reason",
  "provider_event_type",
  "event_id",
  "msg_id",
  "source_ip",
  "body_encoding",
  "body_truncated",
  "size",
  "processing_ms",
  "received_at",
  "retried_at",
] as const satisfies readonly (keyof InboundRequestSummary)[];

export interface InboundRequestFilter {
  sourceId: string;
  status?: InboundStatus | undefined;
  provider?: string | undefined;
  /** Received strictly before / after, in epoch milliseconds. */
  before?: number | undefined;
  after?: number | undefined;
}

/** A time range for statistics, optionally narrowed to one application and one provider. */
export interface InboundRange {
  from: number;
  to: number;
  appId?: string | undefined;
  provider?: string | undefined;
}

/** The accepted request currently holding a de-duplication key. */
export interface DedupeHolder {
  id: string;
  msg_id: string | null;
  received_at: number;
}

/**
 * True when a log row referred to a source that no longer exists (deleted, or its application
 * deleted, since the request looked it up): a foreign-key violation on either engine.
 */
export function isMissingSource(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}

/** Most requests read for processing-time percentiles; beyond that the newest stand for the rest. */
export const PROCESSING_SAMPLE = 50_000;

/**
 * The inbound request log. Accepted requests are written by {@link MessageWriter} in the
 * transaction of their message (see `NewMessage.inboundRequest`); rejected and duplicate ones
 * through {@link insertBatch} on a group-commit writer of their own.
 *
 * @example const page = await repo.list({ sourceId, status: "rejected" }, { limit: 50 });
 */
export class InboundRequestsRepository {
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;

  constructor(private readonly store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  /** Inserts a group-commit batch of log rows in one transaction; one result per row. */
  async insertBatch(rows: InboundRequestRow[]): Promise<void[]> {
    await this.store.atomic(insertQueries(this.dialect, "inbound_requests", INBOUND_REQUEST_COLUMNS, rows));
    return rows.map(() => undefined);
  }

  /** The accepted request of this source that holds `key`, if any (served by the unique index). */
  async findDedupeHolder(sourceId: string, key: string): Promise<DedupeHolder | undefined> {
    return this.db
      .selectFrom("inbound_requests")
      .select(["id", "msg_id", "received_at"])
      .where("source_id", "=", sourceId)
      .where("dedupe_key", "=", key)
      .executeTakeFirst();
  }

  async list(filter: InboundRequestFilter, page: PageRequest): Promise<Page<InboundRequestSummary>> {
    let q = this.db
      .selectFrom("inbound_requests")
      .select(SUMMARY_COLUMNS)
      .where("source_id", "=", filter.sourceId);
    if (filter.status !== undefined) q = q.where("status", "=", filter.status);
    if (filter.provider !== undefined) q = q.where("provider", "=", filter.provider);
    if (filter.before !== undefined) q = q.where("received_at", "<", filter.before);
    if (filter.after !== undefined) q = q.where("received_at", ">", filter.after);
    return paginate(q, "id", page, "descending");
  }

  /** One request with its headers and body, within one source. */
  async find(sourceId: string, id: string): Promise<InboundRequestRow | undefined> {
    return this.db
      .selectFrom("inbound_requests")
      .selectAll()
      .where("source_id", "=", sourceId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** The re-processes of one request, oldest first. */
  async listReprocesses(requestId: string): Promise<InboundReprocessRow[]> {
    return this.db
      .selectFrom("inbound_reprocesses")
      .selectAll()
      .where("request_id", "=", requestId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  /** Requests by status in a range: the inbound figures of the dashboard overview. */
  async countByStatus(range: InboundRange): Promise<Record<InboundStatus, number>> {
    const counts: Record<InboundStatus, number> = { accepted: 0, rejected: 0, duplicate: 0 };
    for (const row of await this.countByOutcome(range)) counts[row.status] += row.n;
    return counts;
  }

  /** Requests grouped by provider, status and reason in a range. */
  async countByOutcome(
    range: InboundRange,
  ): Promise<{ provider: string; status: InboundStatus; reason: string | null; n: number }[]> {
    const rows = await this.inRange(range)
      .select(["provider", "status", "reason", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["provider", "status", "reason"])
      .execute();
    return rows.map((r) => ({ provider: r.provider, status: r.status, reason: r.reason, n: Number(r.n) }));
  }

  /** Processing times of the newest requests in a range, for percentiles. */
  async processingSample(range: InboundRange): Promise<number[]> {
    const rows = await this.inRange(range)
      .select("processing_ms")
      .orderBy("received_at", "desc")
      .limit(PROCESSING_SAMPLE)
      .execute();
    return rows.map((r) => Number(r.processing_ms));
  }

  private inRange(range: InboundRange) {
    let q = this.db
      .selectFrom("inbound_requests")
      .where("received_at", ">=", range.from)
      .where("received_at", "<", range.to);
    if (range.appId !== undefined) q = q.where("app_id", "=", range.appId);
    if (range.provider !== undefined) q = q.where("provider", "=", range.provider);
    return q;
  }
}
