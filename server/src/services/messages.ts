import type { ApplicationIn } from "../contract/applications.js";
import { Iso, type Page } from "../contract/common.js";
import { messageOutJson } from "../contract/message-out-json.js";
import type { MessageIn, MessageListQuery, MessageOut } from "../contract/messages.js";
import { ApiError, IdempotentReplay } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import { rawJson } from "../lib/raw-json.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { GroupCommit } from "../store/group-commit.js";
import type { InsertResult, NewMessage } from "../store/message-batch.js";
import type { MessagesRepository } from "../store/messages-repository.js";
import { mapPage } from "../store/paginate.js";
import type { ApplicationRow, MessageRow } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import type { AuditLog } from "./audit-log.js";
import type { IdempotencyKey, IdempotencyService } from "./idempotency.js";
import type { Actor, Principal } from "./principal.js";

const DAY_MS = 86_400_000;

/**
 * The API shape of a message. The payload is its stored text, written verbatim into the response
 * (ADR 13): never parsed here, so the API shows the values the receiver gets.
 */
export function toMessageOut(row: MessageRow, withContent = true): MessageOut {
  return {
    id: row.id,
    eventType: row.event_type,
    eventId: row.event_id,
    payload: withContent && row.payload !== null ? rawJson(row.payload) : {},
    channels: parseJson<string[] | null>(row.channels, null),
    tags: parseJson<string[] | null>(row.tags, null),
    deliverAt: row.deliver_at !== null ? Iso(row.deliver_at) : null,
    timestamp: Iso(row.created_at),
  };
}

export interface CreateOptions {
  /**
   * The payload's JSON text as the producer sent it (the API passes the body's own text):
   * stored, signed and delivered as is. Without it the payload is serialized from `input`.
   */
  payloadText?: string;
  withContent?: boolean;
  /** The request's Idempotency-Key: its record commits with the message. */
  idempotency?: IdempotencyKey | undefined;
  /** send-example: deliver to this endpoint only. */
  onlyEndpointId?: string;
}

/**
 * Message ingest and lookup. `create` answers only after the message and its delivery rows are
 * committed (through the shared group-commit writer), then wakes the local worker.
 */
export class MessageService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly applications: ApplicationService,
    private readonly writer: GroupCommit<NewMessage, InsertResult>,
    private readonly wakeup: Wakeup,
    private readonly audit: AuditLog,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Messages are data, not administration: not audited (an application it creates is). */
  async create(actor: Actor, appIdOrUid: string, input: MessageIn, options: CreateOptions = {}): Promise<MessageOut> {
    const app = await this.appFor(actor, appIdOrUid, input.application ?? undefined);
    const now = Date.now();
    const retentionMs = input.payloadRetentionHours
      ? input.payloadRetentionHours * 3_600_000
      : (input.payloadRetentionPeriod ?? 90) * DAY_MS;
    const deliverAt = input.deliverAt ? Date.parse(input.deliverAt) : null;
    const row: MessageRow = {
      id: newId("msg"),
      app_id: app.id,
      event_type: input.eventType,
      event_id: input.eventId ?? null,
      payload: options.payloadText ?? JSON.stringify(input.payload),
      channels: input.channels && input.channels.length > 0 ? JSON.stringify(input.channels) : null,
      tags: input.tags && input.tags.length > 0 ? JSON.stringify(input.tags) : null,
      deliver_at: deliverAt !== null && deliverAt > now ? deliverAt : null,
      created_at: now,
      expires_at: now + retentionMs,
    };
    const out = toMessageOut(row, options.withContent ?? true);
    const result = await this.writer.submit({
      message: row,
      onlyEndpointId: options.onlyEndpointId,
      idempotency: this.idempotency.record(options.idempotency, out, messageOutJson),
    });
    if (!result.ok) {
      if (result.reason === "idempotent_replay") throw new IdempotentReplay(result.statusCode, result.body);
      throw ApiError.conflict("A message with this eventId already exists in this application");
    }
    // The worker expands it into deliveries (ADR 0022); a scheduled one too, due at its time.
    this.wakeup.notify();
    return out;
  }

  async get(principal: Principal, appIdOrUid: string, msgId: string, withContent = true): Promise<MessageOut> {
    return toMessageOut(await this.resolve(principal, appIdOrUid, msgId), withContent);
  }

  /** The message row by id or eventId within a visible application, or a 404. */
  async resolve(principal: Principal, appIdOrUid: string, msgId: string): Promise<MessageRow> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    const row = await this.messages.find(app.id, msgId);
    if (!row) throw ApiError.notFound("Message");
    return row;
  }

  async list(principal: Principal, appIdOrUid: string, query: MessageListQuery): Promise<Page<MessageOut>> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    const page = await this.messages.list(
      {
        appId: app.id,
        channel: query.channel,
        eventTypes: query.event_types,
        tag: query.tag,
        before: query.before ? Date.parse(query.before) : undefined,
        after: query.after ? Date.parse(query.after) : undefined,
      },
      { limit: query.limit, iterator: query.iterator },
    );
    return mapPage(page, (r) => toMessageOut(r, query.with_content));
  }

  async expungeContent(actor: Actor, appIdOrUid: string, msgId: string): Promise<void> {
    const row = await this.resolve(actor, appIdOrUid, msgId);
    await this.audit.run(
      actor,
      (trx) => this.messages.expungePayload(row.app_id, row.id, trx),
      () => ({
        action: "message.expunge-content",
        appId: row.app_id,
        resourceId: row.id,
        changes: { payload: { before: row.payload === null ? null : "(kept)", after: null } },
      }),
    );
  }

  private async appFor(actor: Actor, appIdOrUid: string, create: ApplicationIn | undefined): Promise<ApplicationRow> {
    try {
      return await this.applications.resolve(actor, appIdOrUid);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404 || !create || appIdOrUid.startsWith("app_")) throw error;
      await this.applications.create(actor, { ...create, uid: create.uid ?? appIdOrUid }, true);
      return this.applications.resolve(actor, appIdOrUid);
    }
  }
}
