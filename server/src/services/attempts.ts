import type {
  AttemptByMsgListQuery,
  AttemptedMessageListQuery,
  AttemptListQuery,
  DestinationListQuery,
  EndpointMessageOut,
  EndpointStats,
  EndpointStatsQuery,
  EventExampleIn,
  MessageAttemptOut,
  MessageEndpointOut,
} from "../contract/attempts.js";
import type { Page } from "../contract/common.js";
import { DELIVERY_STATUS } from "../contract/delivery-status.js";
import type { MessageOut } from "../contract/messages.js";
import { ApiError } from "../lib/errors.js";
import { parseJson } from "../lib/json.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { AttemptFilter, AttemptsRepository } from "../store/attempts-repository.js";
import { mapPage } from "../store/paginate.js";
import type { AttemptRow, MessageRow } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import { toAttemptedMessageOut, toAttemptOut, toDestinationOut } from "./attempt-out.js";
import type { AuditLog } from "./audit-log.js";
import type { EndpointService } from "./endpoints.js";
import type { EventTypeService } from "./event-types.js";
import { type MessageService, toMessageOut } from "./messages.js";
import type { Actor, Principal } from "./principal.js";

const DAY_MS = 86_400_000;

const POLLING_REFUSAL = "A polling endpoint is read through the poller API; nothing is delivered to it";
/** Svix's default window of endpoint stats. */
const STATS_DEFAULT_DAYS = 28;

/**
 * The payload send-example sends: the first example of the event type's version-1 schema,
 * else a placeholder naming the type. `schemas` may be the stored JSON text or parsed already.
 *
 * @example examplePayload("a.b", { "1": { examples: [{ id: 1 }] } }) // { id: 1 }
 */
export function examplePayload(eventType: string, schemas: unknown): Record<string, unknown> {
  const parsed: unknown = typeof schemas === "string" ? parseJson<unknown>(schemas, null) : schemas;
  const v1 = isObject(parsed) ? parsed["1"] : undefined;
  const first = isObject(v1) && Array.isArray(v1.examples) ? (v1.examples as unknown[])[0] : undefined;
  // A message payload must be a JSON object; an example that is a bare value cannot be sent.
  if (isObject(first)) return first;
  return { eventType, data: { example: true } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Message attempts and the operator's levers on the delivery queue: listing what was tried,
 * resending one message, per-endpoint stats and example
 * events. The worker makes the attempts; this service only reads them and puts deliveries
 * back in the queue (as manual, single-shot attempts) and wakes the worker.
 */
export class AttemptService {
  constructor(
    private readonly repo: AttemptsRepository,
    private readonly applications: ApplicationService,
    private readonly endpoints: EndpointService,
    private readonly messages: MessageService,
    private readonly eventTypes: EventTypeService,
    private readonly wakeup: Wakeup,
    private readonly audit: AuditLog,
  ) {}

  /** v1.message-attempt.list-by-endpoint */
  async listByEndpoint(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
    query: AttemptListQuery,
  ): Promise<Page<MessageAttemptOut>> {
    const { app, endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    return this.listAttempts({ ...attemptFilter(query), appId: app.id, endpointId: endpoint.id }, query);
  }

  /** v1.message-attempt.list-by-msg; `endpoint_id` (id or uid) must name an endpoint of the same app. */
  async listByMsg(
    principal: Principal,
    appIdOrUid: string,
    msgId: string,
    query: AttemptByMsgListQuery,
  ): Promise<Page<MessageAttemptOut>> {
    const msg = await this.messages.resolve(principal, appIdOrUid, msgId);
    let endpointId: string | undefined;
    if (query.endpoint_id !== undefined) {
      endpointId = (await this.endpoints.resolve(principal, msg.app_id, query.endpoint_id)).endpoint.id;
    }
    return this.listAttempts(
      { ...attemptFilter(query), appId: msg.app_id, msgId: msg.id, endpointId },
      query,
    );
  }

  async get(
    principal: Principal,
    appIdOrUid: string,
    msgId: string,
    attemptId: string,
  ): Promise<MessageAttemptOut> {
    return toAttemptOut(await this.resolveAttempt(principal, appIdOrUid, msgId, attemptId));
  }

  /** Replaces the stored response body, for when an endpoint echoed something it should not have. */
  async expungeContent(
    actor: Actor,
    appIdOrUid: string,
    msgId: string,
    attemptId: string,
  ): Promise<void> {
    const attempt = await this.resolveAttempt(actor, appIdOrUid, msgId, attemptId);
    await this.audit.run(
      actor,
      (trx) => this.repo.expungeResponse(attempt.id, trx),
      () => ({
        action: "attempt.expunge-content",
        appId: attempt.app_id,
        resourceId: attempt.id,
        changes: { response: { before: "(kept)", after: "EXPUNGED" } },
      }),
    );
  }

  /** v1.message-attempt.list-attempted-destinations */
  async listDestinations(
    principal: Principal,
    appIdOrUid: string,
    msgId: string,
    query: DestinationListQuery,
  ): Promise<Page<MessageEndpointOut>> {
    const msg = await this.messages.resolve(principal, appIdOrUid, msgId);
    const page = await this.repo.destinations(msg.app_id, msg.id, {
      limit: query.limit,
      iterator: query.iterator,
    });
    return mapPage(page, toDestinationOut);
  }

  /** v1.message-attempt.list-attempted-messages */
  async listAttemptedMessages(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
    query: AttemptedMessageListQuery,
  ): Promise<Page<EndpointMessageOut>> {
    const { app, endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    const page = await this.repo.attemptedMessages(
      app.id,
      {
        endpointId: endpoint.id,
        status: query.status,
        channel: query.channel,
        tag: query.tag,
        eventTypes: query.event_types,
        before: query.before !== undefined ? Date.parse(query.before) : undefined,
        after: query.after !== undefined ? Date.parse(query.after) : undefined,
      },
      { limit: query.limit, iterator: query.iterator },
    );
    return mapPage(page, (row) => toAttemptedMessageOut(row, query.with_content));
  }

  /**
   * Sends the message to the endpoint once more, as a manual attempt. Also works for an
   * endpoint the message was never routed to (its filters did not match, or it was created
   * later): a delivery is created for it.
   */
  async resend(
    actor: Actor,
    appIdOrUid: string,
    msgId: string,
    endpointIdOrUid: string,
  ): Promise<void> {
    const msg = await this.messages.resolve(actor, appIdOrUid, msgId);
    const { endpoint } = await this.endpoints.resolve(actor, msg.app_id, endpointIdOrUid);
    // The worker drops deliveries of a disabled endpoint unsent: queueing one would answer 202
    // for an attempt that is never made.
    if (endpoint.disabled === 1) {
      throw ApiError.badRequest("The endpoint is disabled; enable it before resending.", "endpoint_disabled");
    }
    // Its reader pulls the message through the poller API; there is no URL to send it to.
    if (endpoint.polling === 1) throw ApiError.badRequest(POLLING_REFUSAL, "polling_endpoint");
    if (msg.payload === null) {
      throw ApiError.badRequest(
        "Unable to resend message. Payload is missing (probably expired).",
        "missing_payload",
      );
    }
    await this.audit.run(
      actor,
      (trx) => this.repo.requeue(msg, endpoint.id, Date.now(), trx),
      () => ({
        action: "message.resend",
        appId: msg.app_id,
        resourceId: msg.id,
        changes: { endpointId: { before: null, after: endpoint.id } },
      }),
    );
    this.wakeup.notify();
  }

  /** Deliveries to the endpoint by status, for messages created in `[since, until)`. */
  async stats(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
    query: EndpointStatsQuery,
  ): Promise<EndpointStats> {
    const { app, endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    const since =
      query.since !== undefined ? Date.parse(query.since) : Date.now() - STATS_DEFAULT_DAYS * DAY_MS;
    const until = query.until !== undefined ? Date.parse(query.until) : undefined;
    const counts = await this.repo.countByStatus(app.id, endpoint.id, since, until);
    return {
      success: counts[DELIVERY_STATUS.success] ?? 0,
      pending: counts[DELIVERY_STATUS.pending] ?? 0,
      sending: counts[DELIVERY_STATUS.sending] ?? 0,
      fail: counts[DELIVERY_STATUS.fail] ?? 0,
      canceled: 0,
    };
  }

  /**
   * Creates a message of the event type with its example payload and delivers it to this one
   * endpoint, whatever its filters. The event type must be registered (its schema is the
   * source of the example). A disabled endpoint is refused: the message would reach nobody.
   */
  async sendExample(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EventExampleIn,
  ): Promise<MessageOut> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    const eventType = await this.eventTypes.find(input.eventType);
    if (!eventType) throw ApiError.notFound("Event type");
    if (endpoint.disabled === 1) throw ApiError.badRequest("The endpoint is disabled", "endpoint_disabled");
    if (endpoint.polling === 1) throw ApiError.badRequest(POLLING_REFUSAL, "polling_endpoint");
    const payload = examplePayload(input.eventType, eventType.schemas as unknown);
    return this.messages.create(
      actor,
      app.id,
      { eventType: input.eventType, payload },
      { onlyEndpointId: endpoint.id },
    );
  }

  private async listAttempts(
    filter: AttemptFilter,
    query: AttemptListQuery,
  ): Promise<Page<MessageAttemptOut>> {
    const page = await this.repo.list(filter, { limit: query.limit, iterator: query.iterator });
    const out = mapPage(page, (row) => toAttemptOut(row, query.with_content));
    if (!query.with_msg) return out;
    const byId = new Map<string, MessageRow>();
    for (const m of await this.repo.messages(
      filter.appId,
      page.data.map((a) => a.msg_id),
    ))
      byId.set(m.id, m);
    for (const attempt of out.data) {
      const msg = byId.get(attempt.msgId);
      if (msg) attempt.msg = toMessageOut(msg, query.with_content);
    }
    return out;
  }

  private async resolveAttempt(
    principal: Principal,
    appIdOrUid: string,
    msgId: string,
    attemptId: string,
  ): Promise<AttemptRow> {
    const msg = await this.messages.resolve(principal, appIdOrUid, msgId);
    const attempt = await this.repo.find(msg.app_id, msg.id, attemptId);
    if (!attempt) throw ApiError.notFound("Message attempt");
    return attempt;
  }
}

function attemptFilter(query: AttemptListQuery): Omit<AttemptFilter, "appId"> {
  return {
    status: query.status,
    statusCodeClass: query.status_code_class,
    message: { channel: query.channel, tag: query.tag, eventTypes: query.event_types },
    before: query.before !== undefined ? Date.parse(query.before) : undefined,
    after: query.after !== undefined ? Date.parse(query.after) : undefined,
  };
}
