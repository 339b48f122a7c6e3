import type { Kysely } from "kysely";

import type { Database, EndpointRow, TaskRow } from "../schema.js";

/**
 * What a task was asked, as stored in `tasks.params`: times in ms since the epoch.
 *
 * @example const p: TaskParams = { since: Date.parse("2024-05-01T00:00:00Z"), status: 2 };
 */
export interface TaskParams {
  since?: number | undefined;
  until?: number | undefined;
  /** bulk-replay: the delivery status to replay (Svix's MessageStatus). */
  status?: number | undefined;
  /** bulk-replay: the class of the last response, 0 = none (0–99), 100 … 500. */
  statusCodeClass?: number | undefined;
  eventTypes?: string[] | undefined;
  channel?: string | undefined;
  tag?: string | undefined;
  /** application.stats: only these applications (ids); absent = every application. */
  appIds?: string[] | undefined;
}

/** One candidate row of a batch: the id the cursor advances to, and the row the effect touches. */
export interface Candidate {
  cursor: string;
  id: string;
}

/**
 * One kind of task: the rows it walks (in `cursor` order, after the cursor) and what it does to
 * a batch of them. Both run on the batch's transaction, so the effect and the checkpoint commit
 * together.
 */
export interface TaskKind {
  /** Whether the effect queues deliveries (the worker is woken after such a batch). */
  queuesDeliveries: boolean;
  candidates(trx: Kysely<Database>, task: TaskRow, params: TaskParams, endpoint: EndpointRow | undefined): CandidateQuery;
  apply(trx: Kysely<Database>, task: TaskRow, rows: Candidate[], now: number): Promise<number>;
}

/** A candidate listing: `page` reads one batch after a cursor, `count` all of them. */
export interface CandidateQuery {
  page(after: string | null, limit: number): Promise<Candidate[]>;
  count(): Promise<number>;
}
