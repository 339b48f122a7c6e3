import { Iso, type Page } from "../contract/common.js";
import { DELIVERY_STATUS, deliveryStatusName } from "../contract/delivery-status.js";
import type { QueueItemOut, QueueQuery } from "../contract/queue.js";
import { mapPage } from "../store/paginate.js";
import type { Backlog, CircuitSummary, QueueRow, QueueViewRepository } from "../store/queue-view-repository.js";
import type { ApplicationService } from "./applications.js";
import type { Principal } from "./principal.js";

/**
 * The dashboard's view of the retry queue and dead letter of one application, and the backlog
 * the metrics report.
 *
 * @example await queue.list(principal, "app_…", { status: "fail", limit: 50 });
 */
export class QueueService {
  constructor(
    private readonly queue: QueueViewRepository,
    private readonly applications: ApplicationService,
  ) {}

  /** Deliveries of a visible application in one status (`pending`, `sending` or `fail`), newest first. */
  async list(principal: Principal, appIdOrUid: string, query: QueueQuery): Promise<Page<QueueItemOut>> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    const page = await this.queue.list(app.id, DELIVERY_STATUS[query.status], query);
    return mapPage(page, toQueueItemOut);
  }

  /** Deliveries due now and not yet picked up, across every application (for /metrics). */
  async backlog(now: number): Promise<Backlog> {
    return this.queue.backlog(now);
  }

  /** Open and half-open circuits, and deliveries in flight per endpoint (for /metrics). */
  async circuits(now: number): Promise<CircuitSummary> {
    return this.queue.circuits(now);
  }
}

/**
 * A queue row in the API's shape. Only a pending delivery has a next attempt; while sending,
 * `due_at` is the lease expiry.
 *
 * @example mapPage(page, toQueueItemOut)
 */
export function toQueueItemOut(r: QueueRow): QueueItemOut {
  return {
    msgId: r.msg_id,
    endpointId: r.endpoint_id,
    endpointUrl: r.url,
    eventType: r.event_type,
    status: r.status,
    statusText: deliveryStatusName(r.status) ?? "pending",
    attempts: r.attempt_count,
    nextAttempt: r.status === DELIVERY_STATUS.pending && r.due_at !== null ? Iso(r.due_at) : null,
    lastStatusCode: r.last_status_code,
    updatedAt: Iso(r.updated_at),
  };
}
