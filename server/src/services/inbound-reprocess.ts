import type { CompiledQuery } from "kysely";

import type { InboundReprocessIn, InboundReprocessOut } from "../contract/sources.js";
import { ApiError, IdempotentReplay } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import type { Wakeup } from "../lib/wakeup.js";
import { normalizeEvent } from "../providers/normalize.js";
import { isMissingSource } from "../store/inbound-requests-repository.js";
import type { MessageWriter } from "../store/message-writer.js";
import type { InboundReprocessRow } from "../store/schema.js";
import type { AuditLog } from "./audit-log.js";
import type { IdempotencyKey, IdempotencyService } from "./idempotency.js";
import { REJECTED_BODY_BYTES } from "./inbound.js";
import type { InboundLogService } from "./inbound-log.js";
import { newInboundMessage, parseBody, storedRawBody, toReprocessOut } from "./inbound-records.js";
import type { Actor } from "./principal.js";
import { hasScope } from "./scopes.js";
import type { SourceService } from "./sources.js";

export interface InboundReprocessDeps {
  requestLog: Pick<InboundLogService, "resolveRequest">;
  sources: Pick<SourceService, "loadById">;
  /** Written directly, not through the group commit: the link row must commit with the message. */
  messages: Pick<MessageWriter, "writeReprocess">;
  wakeup: Wakeup;
  /** Days a message is kept, as for ingested ones. */
  retentionDays: number;
  /** A re-process is an operator's change: its audit row commits with it. */
  audit: AuditLog;
  idempotency: Pick<IdempotencyService, "record">;
}

export interface ReprocessOptions {
  /** The request's Idempotency-Key: its record commits with the message and the link. */
  idempotency?: IdempotencyKey | undefined;
}

/**
 * Re-processing a logged inbound request: its stored body becomes a new message under the
 * source's current configuration, recorded as a link request → message of its own
 * (`inbound_reprocesses`). The request's first message (`msg_id`) is never replaced, so the
 * log keeps pointing at what the provider's call originally produced.
 *
 * Only calls that passed verification (accepted, or answered as duplicates) are re-processed
 * as they are. A rejected call is refused unless `force` is set by an API key with
 * `inbound:manage` (not a portal session): its
 * signature never verified (and cannot be checked again, the signature header is redacted in
 * the log), so relaying it is an operator vouching for an unauthenticated body.
 *
 * @example
 * await reprocess.reprocess(principal, "app_…", "src_…", "req_…", { force: false });
 * // { id: "rpr_…", requestId: "req_…", msgId: "msg_…", forced: false, … }
 */
export class InboundReprocessService {
  constructor(private readonly deps: InboundReprocessDeps) {}

  async reprocess(
    actor: Actor,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
    input: InboundReprocessIn,
    options: ReprocessOptions = {},
  ): Promise<InboundReprocessOut> {
    const request = await this.deps.requestLog.resolveRequest(actor, appIdOrUid, sourceIdOrUid, requestId);
    const forced = request.status === "rejected";
    if (forced) {
      if (!input.force) {
        throw new ApiError(
          409,
          "request_rejected",
          `This request was rejected (${request.reason ?? "unknown"}); re-processing it needs "force": true`,
        );
      }
      // An operator vouching for an unverified body: an API key with inbound:manage, never a
      // consumer-portal session (whose user cannot judge where a call came from).
      if (actor.kind !== "key" || !hasScope(actor.scopes, "inbound:manage")) {
        throw new ApiError(
          403,
          "insufficient_scope",
          "Forcing a rejected request through needs an API key with the inbound:manage scope",
        );
      }
    }
    if (request.body_truncated === 1) {
      throw ApiError.conflict(
        `Only the first ${REJECTED_BODY_BYTES} bytes of this rejected request's body were kept; it cannot be processed again`,
      );
    }
    const source = await this.deps.sources.loadById(request.source_id);
    if (!source) throw ApiError.notFound("Source");
    if (source.row.provider !== request.provider) {
      throw ApiError.conflict(
        `The source's provider changed from ${request.provider} since this request was received`,
      );
    }

    const rawBody = storedRawBody(request);
    const headers = JSON.parse(request.headers) as Record<string, string>;
    const body = parseBody(rawBody);
    const providerType = source.provider.eventType(body, headers, source.config);
    const now = Date.now();
    const message = newInboundMessage({
      appId: source.row.app_id,
      provider: source.row.provider,
      event: normalizeEvent(source.provider, providerType, body),
      body,
      rawBody,
      now,
      retentionDays: this.deps.retentionDays,
    });
    const link: InboundReprocessRow = {
      id: newId("rpr"),
      request_id: request.id,
      msg_id: message.id,
      forced: forced ? 1 : 0,
      actor_token_id: actor.tokenId,
      actor_name: actor.name,
      created_at: now,
    };
    const out = toReprocessOut(link);
    // The message, the link and the audit row commit in one transaction.
    const audited = (queries: CompiledQuery[]) =>
      this.deps.audit.run(
        actor,
        async (trx) => {
          for (const query of queries) await trx.executeQuery(query);
        },
        () => ({
          action: "inbound-request.retry",
          appId: request.app_id,
          resourceId: request.id,
          changes: { reprocess: { before: null, after: link.id }, msgId: { before: null, after: message.id }, forced: { before: null, after: forced } },
        }),
      );
    let result;
    try {
      result = await this.deps.messages.writeReprocess(
        { message, idempotency: this.deps.idempotency.record(options.idempotency, out) },
        link,
        audited,
      );
    } catch (error) {
      // Pruned by retention (or its source deleted) since it was read.
      if (isMissingSource(error)) throw ApiError.notFound("Inbound request");
      throw error;
    }
    if (!result.ok) {
      if (result.reason === "idempotent_replay") throw new IdempotentReplay(result.statusCode, result.body);
      throw new Error(`unexpected insert result ${result.reason}`);
    }
    this.deps.wakeup.notify();
    return out;
  }
}
