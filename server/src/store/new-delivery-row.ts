import { newId } from "../lib/ids.js";
import { type DeliveryRow, DeliveryStatus } from "./schema.js";

export interface NewDeliveryFields {
  msgId: string;
  appId: string;
  endpointId: string;
  /** When a worker may first claim it. */
  dueAt: number;
  /** The message's time, not the write's: the queue and the time-ranged views order by it. */
  createdAt: number;
  now: number;
  /** An operator's request (re-send, replay): a single manual attempt, not retried. */
  manual: boolean;
}

/**
 * A delivery row as every writer of the queue starts one: pending, no attempt, no lease. Fan-out
 * (`queue/expand.ts`), a manual re-send (`AttemptsRepository.requeue`) and replay-missing
 * (`tasks/task-kinds.ts`) differ only in the fields above.
 *
 * @example db.insertInto("deliveries").values(newDeliveryRow({ msgId, appId, endpointId, dueAt: now, createdAt, now, manual: true }))
 */
export function newDeliveryRow(f: NewDeliveryFields): DeliveryRow {
  return {
    id: newId("dlv"),
    msg_id: f.msgId,
    app_id: f.appId,
    endpoint_id: f.endpointId,
    status: DeliveryStatus.pending,
    attempt_count: 0,
    due_at: f.dueAt,
    lease_owner: null,
    last_attempt_at: null,
    last_status_code: null,
    next_trigger: f.manual ? 1 : 0,
    created_at: f.createdAt,
    updated_at: f.now,
  };
}
