import type { CompiledQuery, Kysely } from "kysely";

import { isUniqueViolation } from "../lib/db-errors.js";
import type { Store } from "./database.js";
import type { IdempotencyRepository } from "./idempotency-repository.js";
import { type InsertResult, type NewMessage, type PreparedBatch, prepareMessageBatch } from "./message-batch.js";
import type { Database, InboundReprocessRow } from "./schema.js";

/** Runs statements as one transaction: `Store.atomic`, or the audit log's own executor. */
export type ExecuteQueries = (queries: CompiledQuery[]) => Promise<unknown>;

export interface MessageWriterOptions {
  /**
   * How long an accepted inbound request holds its de-duplication key when its row has no
   * `dedupe_until` of its own (rows from before that column existed).
   */
  inboundDedupeWindowMs: number;
}

/**
 * The one writer of messages. Every message — sent through the API, received by an inbound
 * webhook, or re-processed from the inbound log — is written here: the message, one delivery row
 * per matching endpoint, its idempotency record and its inbound log row, in one transaction
 * ({@link Store.atomic}) with a handful of multi-row statements per batch (see
 * {@link prepareMessageBatch}). {@link write} is the group commit's handler: the ingest hot path.
 *
 * @example
 * const writer = new MessageWriter(store, idempotency, { inboundDedupeWindowMs: DEDUPE_WINDOW_MS });
 * const commit = new GroupCommit(options, (items) => writer.write(items));
 */
export class MessageWriter {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly store: Store,
    /** The HTTP layer's too, so their lookups share batches. */
    private readonly idempotency: IdempotencyRepository,
    private readonly options: MessageWriterOptions,
  ) {
    this.db = store.db;
  }

  /**
   * Writes a group-commit batch with inbound de-duplication in front: an item whose
   * `inboundRequest.dedupe_key` is held by an accepted request of the same source whose hold
   * (`dedupe_until`, else `received_at + inboundDedupeWindowMs` for rows from before it existed)
   * reaches past the item's arrival is answered `duplicate_inbound` and not written; a holder
   * past its hold gives its key up to the new copy. Copies within one batch are caught the same
   * way. The key releases and the batch's own statements commit together.
   *
   * One query per batch rather than one read per webhook before it: a read on the ingest path
   * waits for the commit in flight, which would double every webhook's latency. On SQLite the
   * message writer is the only writer of held keys and runs one batch at a time, so check and
   * insert cannot be overtaken; on PostgreSQL two batches committing at once are still kept
   * apart by the unique index, and the later one fails with a unique violation.
   *
   * @example const results = await writer.write([{ message }, { message: other, inboundRequest }]);
   */
  async write(items: NewMessage[]): Promise<InsertResult[]> {
    const windowMs = this.options.inboundDedupeWindowMs;
    const keyed = items.flatMap((i) => (i.inboundRequest?.dedupe_key != null ? [i.inboundRequest] : []));
    const holders =
      keyed.length === 0
        ? []
        : await this.db
            .selectFrom("inbound_requests")
            .select(["id", "source_id", "dedupe_key", "dedupe_until", "msg_id", "received_at"])
            .where("source_id", "in", [...new Set(keyed.map((r) => r.source_id))])
            .where("dedupe_key", "in", [...new Set(keyed.map((r) => r.dedupe_key!))])
            .execute();
    // id null: held by an item of this batch, nothing to release.
    const held = new Map<string, { id: string | null; msg_id: string | null; until: number }>(
      holders.map((h) => [
        `${h.source_id}\n${h.dedupe_key}`,
        { id: h.id, msg_id: h.msg_id, until: Number(h.dedupe_until ?? Number(h.received_at) + windowMs) },
      ]),
    );
    const results: InsertResult[] = new Array(items.length);
    const release: string[] = [];
    const pass: NewMessage[] = [];
    const passIndex: number[] = [];
    items.forEach((item, index) => {
      const request = item.inboundRequest;
      if (request?.dedupe_key != null) {
        const key = `${request.source_id}\n${request.dedupe_key}`;
        const holder = held.get(key);
        if (holder && holder.until > request.received_at) {
          results[index] = { ok: false, reason: "duplicate_inbound", msgId: holder.msg_id };
          return;
        }
        if (holder?.id) release.push(holder.id);
        held.set(key, {
          id: null,
          msg_id: item.message.id,
          until: request.dedupe_until ?? request.received_at + windowMs,
        });
      }
      pass.push(item);
      passIndex.push(index);
    });
    const queries: CompiledQuery[] = [];
    if (release.length > 0) {
      queries.push(this.db.updateTable("inbound_requests").set({ dedupe_key: null }).where("id", "in", release).compile());
    }
    if (pass.length === 0) return results;
    const inserted = await this.commit(pass, await this.prepare(pass), queries);
    inserted.forEach((result, j) => (results[passIndex[j]!] = result));
    return results;
  }

  /**
   * Commits a re-process in one transaction: its message (with deliveries and the caller's
   * idempotency record), the link row and the request's `retried_at`. `execute` runs the
   * statements as one transaction (by default `Store.atomic`; the audit log passes its own, so
   * its row commits with them). The request's own `msg_id`, its first link, is
   * left as it is. Answers like {@link write}: a lost race
   * to the same idempotency key is `idempotent_replay` with the first response.
   *
   * @example await writer.writeReprocess({ message, idempotency }, link, audited)
   */
  async writeReprocess(item: NewMessage, link: InboundReprocessRow, execute?: ExecuteQueries): Promise<InsertResult> {
    const before = [
      this.db.insertInto("inbound_reprocesses").values(link).compile(),
      this.db
        .updateTable("inbound_requests")
        .set({ retried_at: link.created_at })
        .where("id", "=", link.request_id)
        .compile(),
    ];
    const [result] = await this.commit([item], await this.prepare([item]), before, execute);
    return result!;
  }

  private prepare(items: NewMessage[]): Promise<PreparedBatch> {
    return prepareMessageBatch(this.store, this.idempotency, items);
  }

  /**
   * Commits a prepared batch, with `before` (statements of the caller's that must commit with
   * it) in front, in one transaction. A single item that lost a race — to a request with the
   * same idempotency key, or on PostgreSQL to a message with the same eventId committed after
   * the read — is answered as what it is (the group commit retries a failed batch item by item).
   */
  private async commit(
    items: NewMessage[],
    batch: PreparedBatch,
    before: CompiledQuery[] = [],
    execute: ExecuteQueries = (queries) => this.store.atomic(queries),
  ): Promise<InsertResult[]> {
    try {
      await execute([...before, ...batch.queries]);
    } catch (error) {
      const item = items[0];
      if (items.length === 1 && item && isUniqueViolation(error)) {
        const stored = item.idempotency && (await this.idempotency.find(item.idempotency.key, item.message.created_at));
        if (stored) return [{ ok: false, reason: "idempotent_replay", statusCode: stored.status_code, body: stored.body }];
        if (item.message.event_id !== null) {
          const again = await this.prepare(items);
          if (!again.results[0]?.ok) return again.results;
        }
      }
      throw error;
    }
    return batch.results;
  }
}
