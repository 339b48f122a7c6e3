import type { Kysely } from "kysely";

import { type Page,type PageRequest, paginate } from "./paginate.js";
import { CircuitState, type Database, DeliveryStatus } from "./schema.js";

export interface QueueRow {
  id: string;
  msg_id: string;
  endpoint_id: string;
  status: number;
  attempt_count: number;
  due_at: number | null;
  last_status_code: number | null;
  updated_at: number;
  event_type: string;
  url: string | null;
}

/** Circuits not closed, and the deliveries each endpoint has under a live lease (busiest first). */
export interface CircuitSummary {
  open: number;
  halfOpen: number;
  inFlight: { endpointId: string; count: number }[];
}

/** Deliveries due now and not yet sent, across every application. */
export interface Backlog {
  due: number;
  /** The earliest `due_at` among them (ms), or null when none is due. */
  oldestDueAt: number | null;
  /** Committed messages not yet expanded into deliveries (ADR 0022), and the oldest one's creation (ms). */
  unexpanded: number;
  oldestUnexpandedAt: number | null;
}

/** The retry queue and dead letter of one application, read from the deliveries table. */
export class QueueViewRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * What the workers have yet to pick up: rows due at `now` that no live lease holds, found as
   * the claim finds them, through the queue index on `due_at`.
   */
  async backlog(now: number): Promise<Backlog> {
    const row = await this.db
      .selectFrom("deliveries")
      .select((eb) => [eb.fn.countAll<number>().as("due"), eb.fn.min("due_at").as("oldest")])
      .where("due_at", "<=", now)
      .where("status", "in", [DeliveryStatus.pending, DeliveryStatus.sending])
      .executeTakeFirstOrThrow();
    // Through the partial index of unexpanded messages (migration 0020): empty when the worker keeps up.
    const fanout = await this.db
      .selectFrom("messages")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("created_at").as("oldest")])
      .where("expanded_at", "is", null)
      .executeTakeFirstOrThrow();
    return {
      due: Number(row.due),
      oldestDueAt: row.oldest === null ? null : Number(row.oldest),
      unexpanded: Number(fanout.n),
      oldestUnexpandedAt: fanout.oldest === null ? null : Number(fanout.oldest),
    };
  }

  /**
   * For the circuit and in-flight gauges: two small reads, through the index on the circuit
   * state and the partial index on sending rows (migration 0008).
   */
  async circuits(now: number): Promise<CircuitSummary> {
    const states = await this.db
      .selectFrom("endpoints")
      .select(["circuit_state", (eb) => eb.fn.countAll<number>().as("n")])
      .where("circuit_state", "in", [CircuitState.open, CircuitState.halfOpen])
      .groupBy("circuit_state")
      .execute();
    const inFlight = await this.db
      .selectFrom("deliveries")
      .select(["endpoint_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("status", "=", DeliveryStatus.sending)
      .where("due_at", ">", now)
      .groupBy("endpoint_id")
      .execute();
    const count = (state: number) => Number(states.find((s) => s.circuit_state === state)?.n ?? 0);
    return {
      open: count(CircuitState.open),
      halfOpen: count(CircuitState.halfOpen),
      inFlight: inFlight
        .map((r) => ({ endpointId: r.endpoint_id, count: Number(r.n) }))
        .sort((a, b) => b.count - a.count),
    };
  }

  async list(appId: string, status: number, page: PageRequest): Promise<Page<QueueRow>> {
    const q = this.db
      .selectFrom("deliveries as d")
      .innerJoin("messages as m", "m.id", "d.msg_id")
      .leftJoin("endpoints as e", "e.id", "d.endpoint_id")
      .select([
        "d.id as id",
        "d.msg_id",
        "d.endpoint_id",
        "d.status",
        "d.attempt_count",
        "d.due_at",
        "d.last_status_code",
        "d.updated_at",
        "m.event_type",
        "e.url",
      ])
      .where("d.app_id", "=", appId)
      .where("d.status", "=", status);
    // Messages and endpoints have an `id` too: the cursor condition must name the deliveries'.
    return paginate(q, "id", page, "descending", "d.id");
  }
}
