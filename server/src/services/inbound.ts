import { isUtf8 } from "node:buffer";
import { performance } from "node:perf_hooks";

import { Iso, type Page } from "../api/common.js";
import type {
  InboundPeriod,
  InboundRequestDetailOut,
  InboundRequestListQuery,
  InboundRequestOut,
  InboundStatsOut,
  InboundStatsQuery,
  IngestOut,
} from "../api/sources.js";
import { parseJsonBody } from "../inbound/body.js";
import { normalizeEvent } from "../inbound/normalize.js";
import { type InboundHeaders, UNKNOWN_EVENT_TYPE } from "../inbound/provider.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import { jsonDepthWithin, MAX_JSON_DEPTH } from "../lib/json-depth.js";
import { percentile } from "../lib/percentile.js";
import type { Wakeup } from "../lib/wakeup.js";
import { isUniqueViolation } from "../store/errors.js";
import type { GroupCommit } from "../store/group-commit.js";
import {
  type InboundRange,
  type InboundRequestsRepository,
  type InboundRequestSummary,
  isMissingSource,
} from "../store/inbound-requests-repository.js";
import type { InsertResult, NewMessage } from "../store/messages-repository.js";
import { mapPage } from "../store/paginate.js";
import type { InboundRequestRow, InboundStatus, MessageRow } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import type { Actor, AuditLog } from "./audit.js";
import type { RateLimitVerdict } from "./rate-limits.js";
import { ipAllowed, type LoadedSource, type SourceService } from "./sources.js";
import type { Principal } from "./tokens.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A redelivery of an event within this window of the accepted copy is answered `duplicate`. */
export const DEDUPE_WINDOW_MS = DAY_MS;
/** Bytes of a rejected request's body kept in the log: enough to see what was sent. */
export const REJECTED_BODY_BYTES = 4096;
/** Longer event ids are de-duplicated by their hash, to keep the unique index small. */
const DEDUPE_KEY_MAX = 200;
const PRUNE_INTERVAL_MS = 10 * 60_000;

const REDACTED = "[redacted]";
/**
 * Headers never stored: credentials and signatures of every scheme (authorization,
 * x-talabat-api-key, x-careem-signature, x-deliveroo-hmac-sha256, stripe-signature,
 * webhook-signature, x-hub-signature-256, x-shopify-hmac-sha256 …) and anything else so named.
 */
const SECRET_HEADER = /authorization|cookie|signature|hmac|secret|token|api-?key|password|credential/i;

const PERIOD_MS: Record<InboundPeriod, number> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
};

/** A webhook call as the ingest routes hand it over. */
export interface IngestInput {
  /** `/ingest/{source_id}` … */
  sourceId?: string | undefined;
  /** … or `/webhooks/{provider}/{app}`. */
  platform?: { provider: string; app: string } | undefined;
  rawBody: Buffer;
  /** Lower-cased names. */
  headers: InboundHeaders;
  /** The peer address (or the proxy's X-Forwarded-For when the proxy is trusted). */
  ip: string;
  /** `performance.now()` when the request arrived, for the logged processing time. */
  startedAt: number;
}

export interface InboundServiceDeps {
  sources: SourceService;
  requests: InboundRequestsRepository;
  rateLimits: { consume(sourceId: string, limits: LoadedSource["rateLimits"]): Promise<RateLimitVerdict> };
  applications: ApplicationService;
  /** The shared message writer: an accepted request is logged in its message's transaction. */
  messages: GroupCommit<NewMessage, InsertResult>;
  /** Writes rejected and duplicate requests to the log. */
  log: GroupCommit<InboundRequestRow, void>;
  wakeup: Wakeup;
  /** Days a message and a logged request are kept. */
  retentionDays: number;
  /** Re-processing a request is an operator's change: audited. */
  audit: AuditLog;
}

/** Everything about one call that goes into its log row. */
interface Received {
  source: LoadedSource;
  input: IngestInput;
  receivedAt: number;
}

/**
 * The inbound use case: a provider's webhook call becomes a message of the source's
 * application, and every call — accepted, rejected or duplicate — is logged.
 *
 * Order of checks, cheapest and least revealing first: unknown source (404), IP allowlist
 * (403), rate limit (429, before any signature work so a flood costs little), signature (401,
 * with a generic answer; the precise reason goes to the log), de-duplication (200 `duplicate`).
 * An accepted request is logged in the same transaction as its message, so a 200 means both
 * are committed and a crash can lose neither alone.
 *
 * @example
 * const out = await inbound.ingest({ sourceId: "src_…", rawBody, headers, ip, startedAt: performance.now() });
 * // { status: "accepted", id: "req_…", msgId: "msg_…" }
 */
export class InboundService {
  private lastPrune = 0;

  constructor(private readonly deps: InboundServiceDeps) {}

  async ingest(input: IngestInput): Promise<IngestOut> {
    const { sources, rateLimits, requests } = this.deps;
    const receivedAt = Date.now();
    this.pruneIfDue(receivedAt);
    const source =
      input.sourceId !== undefined
        ? await sources.loadById(input.sourceId)
        : input.platform && (await sources.loadForPlatform(input.platform.provider, input.platform.app));
    if (!source) throw ApiError.notFound("Source");
    const received: Received = { source, input, receivedAt };

    if (!ipAllowed(source.ipAllowlist, input.ip)) {
      await this.logRejected(received, "ip_not_allowed");
      throw new ApiError(403, "ip_not_allowed", "This address may not send to this source");
    }
    const limit = await rateLimits.consume(source.row.id, source.rateLimits);
    if (!limit.ok) {
      await this.logRejected(received, "rate_limited");
      throw new ApiError(429, "rate_limited", `Too many requests; retry in ${limit.retryAfterSeconds} s`, {
        "retry-after": String(limit.retryAfterSeconds),
      });
    }
    const { provider, config } = source;
    const verdict = provider.verify(
      { rawBody: input.rawBody, headers: input.headers },
      config,
      new Date(receivedAt),
    );
    if (!verdict.ok) {
      await this.logRejected(received, verdict.reason);
      throw new ApiError(401, "invalid_signature", "The webhook signature could not be verified");
    }

    const body = parseBody(input.rawBody);
    const providerType = provider.eventType(body, input.headers, config);
    const eventId = provider.eventId(body, input.headers, config);
    const dedupeKey = eventId === undefined ? null : dedupeKeyOf(eventId);
    const event = normalizeEvent(provider, providerType, body);
    const message = this.messageRow(source.row.app_id, source.row.provider, event, input.rawBody, receivedAt);
    const request = this.requestRow(received, {
      status: "accepted",
      reason: null,
      providerType,
      eventId,
      dedupeKey,
      msgId: message.id,
    });
    // The de-duplication check runs in the message's transaction (see insertDeduplicated).
    let result: InsertResult;
    try {
      result = await this.deps.messages.submit({ message, inboundRequest: request });
    } catch (error) {
      if (isMissingSource(error)) throw ApiError.notFound("Source");
      // PostgreSQL: another copy was committed by a concurrent batch; the unique index refused ours.
      if (dedupeKey === null || !isUniqueViolation(error)) throw error;
      const holder = await requests.findDedupeHolder(source.row.id, dedupeKey);
      return this.logDuplicate(received, providerType, eventId, holder?.msg_id ?? null);
    }
    if (!result.ok) {
      if (result.reason !== "duplicate_inbound") throw new Error(`unexpected insert result ${result.reason}`);
      return this.logDuplicate(received, providerType, eventId, result.msgId);
    }
    if (result.deliveries > 0) this.deps.wakeup.notify();
    return { status: "accepted", id: request.id, msgId: message.id };
  }

  async listRequests(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    query: InboundRequestListQuery,
  ): Promise<Page<InboundRequestOut>> {
    const { source } = await this.deps.sources.resolve(principal, appIdOrUid, sourceIdOrUid);
    const page = await this.deps.requests.list(
      {
        sourceId: source.id,
        status: query.status,
        provider: query.provider,
        before: query.before !== undefined ? Date.parse(query.before) : undefined,
        after: query.after !== undefined ? Date.parse(query.after) : undefined,
      },
      { limit: query.limit, iterator: query.iterator, order: query.order },
    );
    return mapPage(page, toRequestOut);
  }

  async getRequest(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
  ): Promise<InboundRequestDetailOut> {
    return toRequestDetailOut(await this.resolveRequest(principal, appIdOrUid, sourceIdOrUid, requestId));
  }

  /**
   * Processes a logged request again with the source's current config and creates a new
   * message from it. The signature is not checked again — its headers were redacted when
   * logged — so this is an operator's decision, open to the same tokens that may create
   * messages directly. A rejected request whose body was truncated cannot be retried.
   */
  async retry(
    actor: Actor,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
  ): Promise<InboundRequestOut> {
    const request = await this.resolveRequest(actor, appIdOrUid, sourceIdOrUid, requestId);
    if (request.body_truncated === 1) {
      throw ApiError.conflict(
        `Only the first ${REJECTED_BODY_BYTES} bytes of this rejected request's body were kept; it cannot be processed again`,
      );
    }
    const row = await this.deps.sources.loadById(request.source_id);
    if (!row) throw ApiError.notFound("Source");
    if (row.row.provider !== request.provider) {
      throw ApiError.conflict(
        `The source's provider changed from ${request.provider} since this request was received`,
      );
    }
    const rawBody = Buffer.from(request.body, request.body_encoding === "base64" ? "base64" : "utf8");
    const headers = JSON.parse(request.headers) as Record<string, string>;
    const body = parseBody(rawBody);
    const providerType = row.provider.eventType(body, headers, row.config);
    const event = normalizeEvent(row.provider, providerType, body);
    const now = Date.now();
    const message = this.messageRow(row.row.app_id, row.row.provider, event, rawBody, now);
    const result = await this.deps.messages.submit({ message });
    if (result.ok && result.deliveries > 0) this.deps.wakeup.notify();
    const changes = { msg_id: message.id, retried_at: now, provider_event_type: providerType };
    // The message itself is data, committed by the writer above; the request's new state and
    // the audit row commit together.
    await this.deps.audit.run(
      actor,
      (trx) => this.deps.requests.update(request.id, changes, trx),
      () => ({
        action: "inbound-request.retry",
        appId: request.app_id,
        resourceId: request.id,
        changes: { msgId: { before: request.msg_id, after: message.id }, retriedAt: { before: request.retried_at, after: now } },
      }),
    );
    return toRequestOut({ ...request, ...changes });
  }

  /** Totals, rejections by reason, duplicates, processing-time percentiles and a per-provider split. */
  async stats(principal: Principal, query: InboundStatsQuery): Promise<InboundStatsOut> {
    let appId = principal.appId ?? undefined;
    if (query.app !== undefined) appId = (await this.deps.applications.resolve(principal, query.app)).id;
    const to = Date.now();
    const range: InboundRange = { from: to - PERIOD_MS[query.period], to, appId, provider: query.provider };
    const [outcomes, sample] = await Promise.all([
      this.deps.requests.countByOutcome(range),
      this.deps.requests.processingSample(range),
    ]);
    const totals = { total: 0, accepted: 0, rejected: 0, duplicate: 0 };
    const rejectedByReason: Record<string, number> = {};
    const byProvider: Record<string, typeof totals> = {};
    for (const row of outcomes) {
      const p = (byProvider[row.provider] ??= { total: 0, accepted: 0, rejected: 0, duplicate: 0 });
      for (const counts of [totals, p]) {
        counts.total += row.n;
        counts[row.status] += row.n;
      }
      if (row.status === "rejected") {
        const reason = row.reason ?? "unknown";
        rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + row.n;
      }
    }
    const sorted = sample.sort((a, b) => a - b);
    return {
      period: query.period,
      from: Iso(range.from),
      to: Iso(to),
      ...totals,
      rejectedByReason,
      processingMs: {
        p50: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        p99: percentile(sorted, 0.99),
      },
      byProvider,
    };
  }

  /** Request counts by outcome in a range: the dashboard overview's inbound figures. */
  async countByStatus(range: {
    from: number;
    to: number;
    appId?: string | undefined;
  }): Promise<Record<InboundStatus, number>> {
    return this.deps.requests.countByStatus(range);
  }

  /** Deletes logged requests older than the retention period; returns how many. */
  async prune(now = Date.now()): Promise<number> {
    return this.deps.requests.prune(now - this.deps.retentionDays * DAY_MS);
  }

  private async resolveRequest(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
  ): Promise<InboundRequestRow> {
    const { source } = await this.deps.sources.resolve(principal, appIdOrUid, sourceIdOrUid);
    const request = await this.deps.requests.find(source.id, requestId);
    if (!request) throw ApiError.notFound("Inbound request");
    return request;
  }

  /**
   * Logs a rejection. The event type is read only for signature failures, where it helps to
   * see what was sent; a refused address or a flood is logged without parsing the body.
   */
  private async logRejected(received: Received, reason: string): Promise<void> {
    let providerType: string | null = null;
    if (reason !== "ip_not_allowed" && reason !== "rate_limited") {
      const { provider, config } = received.source;
      providerType = provider.eventType(parseBody(received.input.rawBody), received.input.headers, config);
    }
    await this.writeLog(
      this.requestRow(received, {
        status: "rejected",
        reason,
        providerType,
        eventId: undefined,
        dedupeKey: null,
        msgId: null,
        bodyLimit: REJECTED_BODY_BYTES,
      }),
    );
  }

  private async logDuplicate(
    received: Received,
    providerType: string,
    eventId: string | undefined,
    msgId: string | null,
  ): Promise<IngestOut> {
    const row = this.requestRow(received, {
      status: "duplicate",
      reason: null,
      providerType,
      eventId,
      dedupeKey: null,
      msgId,
    });
    await this.writeLog(row);
    return { status: "duplicate", id: row.id, msgId };
  }

  private async writeLog(row: InboundRequestRow): Promise<void> {
    try {
      await this.deps.log.submit(row);
    } catch (error) {
      if (isMissingSource(error)) throw ApiError.notFound("Source");
      throw error;
    }
  }

  private requestRow(
    { source, input, receivedAt }: Received,
    fields: {
      status: InboundStatus;
      reason: string | null;
      providerType: string | null;
      eventId: string | undefined;
      dedupeKey: string | null;
      msgId: string | null;
      bodyLimit?: number;
    },
  ): InboundRequestRow {
    return {
      id: newId("req"),
      source_id: source.row.id,
      app_id: source.row.app_id,
      provider: source.row.provider,
      status: fields.status,
      reason: fields.reason,
      provider_event_type: fields.providerType === null ? null : storableText(fields.providerType),
      event_id: fields.eventId === undefined ? null : storableText(fields.eventId),
      dedupe_key: fields.dedupeKey,
      msg_id: fields.msgId,
      source_ip: input.ip || null,
      headers: JSON.stringify(redactHeaders(input.headers, source.secretHeaders)),
      ...storedBody(input.rawBody, fields.bodyLimit),
      size: input.rawBody.length,
      processing_ms: Math.round((performance.now() - input.startedAt) * 1000) / 1000,
      received_at: receivedAt,
      retried_at: null,
    };
  }

  private messageRow(
    appId: string,
    provider: string,
    event: { eventType: string; payload: unknown },
    rawBody: Buffer,
    now: number,
  ): MessageRow {
    return {
      id: newId("msg"),
      app_id: appId,
      event_type: messageEventType(event.eventType),
      event_id: null,
      payload: serializePayload(event.payload, provider, rawBody),
      // The provider's name as channel lets an endpoint subscribe to one sender's events.
      channels: JSON.stringify([provider]),
      tags: null,
      deliver_at: null,
      created_at: now,
      expires_at: now + this.deps.retentionDays * DAY_MS,
    };
  }

  /**
   * Retention of the request log, run from the ingest path at most every ten minutes so no
   * timer is needed. Not awaited: a failed prune is simply tried again next time, and the log
   * only grows a little meanwhile.
   */
  private pruneIfDue(now: number): void {
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    this.prune(now).catch(() => undefined);
  }
}

/**
 * The message payload as JSON text. A body JSON.parse accepts can still be nested too deeply for
 * JSON.stringify (a stack overflow); such an event is relayed with its body as text instead of
 * failing the provider's call with a 500.
 */
function serializePayload(payload: unknown, provider: string, rawBody: Buffer): string {
  try {
    return JSON.stringify(payload);
  } catch {
    return JSON.stringify({
      provider,
      providerEventType: UNKNOWN_EVENT_TYPE,
      original: rawBody.toString("utf8"),
    });
  }
}

/**
 * The body as providers read it: JSON when it parses (and nests no deeper than a payload may:
 * deeper JSON would overflow the stack when hashed or stored), else the text, else undefined
 * when empty.
 */
function parseBody(rawBody: Buffer): unknown {
  const json = parseJsonBody(rawBody);
  if (json !== undefined && jsonDepthWithin(json, MAX_JSON_DEPTH)) return json;
  return rawBody.length > 0 ? rawBody.toString("utf8") : undefined;
}

function dedupeKeyOf(eventId: string): string {
  return eventId.length <= DEDUPE_KEY_MAX && !eventId.includes("\u0000")
    ? eventId
    : `sha256:${sha256Hex(eventId)}`;
}

/** Text from a body, fit for a text column: at most 1,000 characters, no NUL (PostgreSQL refuses it). */
function storableText(text: string): string {
  return text.slice(0, 1_000).replaceAll("\u0000", "\uFFFD");
}

/**
 * An event type usable in endpoint filters (Svix names: letters, digits, `-_.`): Shopify's
 * `orders/create` becomes `orders.create`, anything else outside the set `_`.
 *
 * @example messageEventType("shopify.orders/create") // "shopify.orders.create"
 */
export function messageEventType(type: string): string {
  const cleaned = type
    .replace(/\//g, ".")
    .replace(/[^a-zA-Z0-9\-_.]/g, "_")
    .slice(0, 256);
  return cleaned === "" ? "unknown" : cleaned;
}

/**
 * Headers as logged: values of credential and signature headers replaced, plus `extra` names
 * (a generic HMAC source's configured signature header).
 *
 * @example redactHeaders({ "stripe-signature": "t=1,v1=…", "content-type": "application/json" }, [])
 * // { "stripe-signature": "[redacted]", "content-type": "application/json" }
 */
export function redactHeaders(headers: InboundHeaders, extra: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SECRET_HEADER.test(name) || extra.includes(name) ? REDACTED : value;
  }
  return out;
}

/**
 * The body as stored: UTF-8 text when it is text (PostgreSQL text cannot hold NUL), else base64;
 * with `limit`, only the first bytes, cut at a character boundary.
 */
function storedBody(
  raw: Buffer,
  limit: number | undefined,
): Pick<InboundRequestRow, "body" | "body_encoding" | "body_truncated"> {
  let kept = limit !== undefined && raw.length > limit ? raw.subarray(0, limit) : raw;
  const truncated = kept.length < raw.length;
  if (truncated) {
    // Up to three trailing bytes may be the start of a split multi-byte character.
    for (let cut = 0; cut < 4 && kept.length - cut > 0; cut++) {
      const candidate = kept.subarray(0, kept.length - cut);
      if (isUtf8(candidate)) {
        kept = candidate;
        break;
      }
    }
  }
  const text = isUtf8(kept) && !kept.includes(0);
  return {
    body: kept.toString(text ? "utf8" : "base64"),
    body_encoding: text ? "utf8" : "base64",
    body_truncated: truncated ? 1 : 0,
  };
}

function toRequestOut(row: InboundRequestSummary): InboundRequestOut {
  return {
    id: row.id,
    sourceId: row.source_id,
    status: row.status,
    reason: row.reason,
    provider: row.provider,
    providerEventType: row.provider_event_type,
    eventId: row.event_id,
    receivedAt: Iso(row.received_at),
    size: row.size,
    processingMs: row.processing_ms,
    msgId: row.msg_id,
    sourceIp: row.source_ip,
    retriedAt: row.retried_at !== null ? Iso(row.retried_at) : null,
  };
}

function toRequestDetailOut(row: InboundRequestRow): InboundRequestDetailOut {
  return {
    ...toRequestOut(row),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    bodyEncoding: row.body_encoding,
    bodyTruncated: row.body_truncated === 1,
  };
}
