import { Iso } from "../contract/common.js";
import type { FifoSkipIn, FifoSkipOut, FifoStatusOut } from "../contract/fifo.js";
import { ApiError } from "../lib/errors.js";
import type { FifoRepository } from "../store/fifo-repository.js";
import { DeliveryStatus, type EndpointRow } from "../store/schema.js";
import type { AuditLog } from "./audit-log.js";
import type { EndpointService } from "./endpoints.js";
import type { Actor, Principal } from "./principal.js";

/**
 * A FIFO endpoint's queue as the operator sees it (ADR 18): the head that holds the rest, and
 * the skip that lets the rest go. Skipping marks the head failed without a further attempt,
 * as an exhausted one is; it can be resent later like any failed delivery (it then rejoins
 * the queue at its message's place). Audited as `endpoint.fifo.skip`.
 *
 * @example const { head } = await fifo.status(principal, "acme", "ep_…");
 */
export class FifoService {
  constructor(
    private readonly endpoints: EndpointService,
    private readonly repo: FifoRepository,
    private readonly audit: AuditLog,
  ) {}

  async status(principal: Principal, appIdOrUid: string, endpointIdOrUid: string): Promise<FifoStatusOut> {
    const { endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    return this.describe(endpoint);
  }

  async skip(actor: Actor, appIdOrUid: string, endpointIdOrUid: string, input: FifoSkipIn): Promise<FifoSkipOut> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    if (endpoint.fifo !== 1) throw new ApiError(409, "not_fifo", "This endpoint is not a FIFO endpoint; nothing holds its queue.");
    const skipped = await this.audit.run(
      actor,
      async (trx) => {
        const head = await this.repo.head(endpoint.id, trx);
        if (!head) throw new ApiError(409, "fifo_empty", "Nothing is waiting on this endpoint.");
        if (input.msgId && input.msgId !== head.msg_id) {
          throw new ApiError(409, "fifo_head_moved", `The head is now ${head.msg_id}, not ${input.msgId}; nothing was skipped.`);
        }
        if (!(await this.repo.skip(trx, head.id, Date.now()))) {
          throw new ApiError(409, "fifo_head_in_flight", "The head is being sent right now; skip it once this attempt is over.");
        }
        return { msgId: head.msg_id, deliveryId: head.id };
      },
      (s) => ({
        action: "endpoint.fifo.skip",
        appId: app.id,
        resourceId: endpoint.id,
        changes: { fifoHead: { before: s.msgId, after: null } },
      }),
    );
    return { skipped, status: await this.describe(endpoint) };
  }

  private async describe(endpoint: EndpointRow): Promise<FifoStatusOut> {
    const [head, waiting] = await Promise.all([this.repo.head(endpoint.id), this.repo.waiting(endpoint.id)]);
    if (!head) return { fifo: endpoint.fifo === 1, head: null, waiting };
    const failingSince = await this.repo.failingSince(head.msg_id, endpoint.id);
    return {
      fifo: endpoint.fifo === 1,
      head: {
        msgId: head.msg_id,
        deliveryId: head.id,
        status: head.status === DeliveryStatus.sending ? "sending" : "pending",
        attempts: head.attempt_count,
        lastStatusCode: head.last_status_code,
        lastAttemptAt: head.last_attempt_at === null ? null : Iso(head.last_attempt_at),
        nextAttemptAt: head.due_at === null ? null : Iso(head.due_at),
        failingSince: failingSince === null ? null : Iso(failingSince),
      },
      waiting,
    };
  }
}
