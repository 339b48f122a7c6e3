import { performance } from "node:perf_hooks";

import type { IngestOut } from "../contract/sources.js";
import { ipAllowed } from "../lib/cidr.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import type { Metrics } from "../lib/metrics.js";
import type { Wakeup } from "../lib/wakeup.js";
import { normalizeEvent } from "../providers/normalize.js";
import type { ChallengeAnswer, InboundHeaders } from "../providers/provider.js";
import type { GroupCommit } from "../store/group-commit.js";
import { type InboundRequestsRepository, isMissingSource } from "../store/inbound-requests-repository.js";
import type { InsertResult, NewMessage } from "../store/message-batch.js";
import type { InboundRequestRow, InboundStatus } from "../store/schema.js";
import type { InboundFailureWatch } from "./inbound-failure-watch.js";
import {
  newInboundMessage,
  parseBody,
  redactHeaders,
  storableText,
  storedBody,
} from "./inbound-records.js";
import type { RateLimitVerdict } from "./rate-limits.js";
import type { LoadedSource, SourceService } from "./sources.js";

const DAY_MS = 86_400_000;
/**
 * A redelivery of an event within this window of the accepted copy is answered `duplicate`, for
 * schemes that sign a timestamp; other schemes hold the key for the whole retention.
 */
export const DEDUPE_WINDOW_MS = DAY_MS;
/** Bytes of a rejected request's body kept in the log: enough to see what was sent. */
export const REJECTED_BODY_BYTES = 4096;
/** Longer keys (signed event ids) are stored as their hash, to keep the unique index small. */
const DEDUPE_KEY_MAX = 200;

/** A webhook call as the ingest routes hand it over. */
export interface IngestInput {
  /** `/ingest/{source_id}` … */
  sourceId?: string | undefined;
  /** … or `/ingest/in/{token}` (an ingest source) … */
  ingestToken?: string | undefined;
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
  /** The shared message writer: an accepted request is logged in its message's transaction. */
  messages: GroupCommit<NewMessage, InsertResult>;
  /** Writes rejected and duplicate requests to the log. */
  log: GroupCommit<InboundRequestRow, void>;
  wakeup: Wakeup;
  /** Days a message and a logged request are kept. */
  retentionDays: number;
  /** Told of every verification failure and success, for `inbound.source.failing` (operational webhooks). */
  verification?: Pick<InboundFailureWatch, "failed" | "verified"> | undefined;
  /** Counts each call by provider, source and outcome (`hookrelay_inbound_requests_total`); absent when not served. */
  metrics?: Pick<Metrics, "inboundRequests"> | undefined;
}

/**
 * The source a call reached, once found: the metric's labels. Never the path's text, which
 * anyone can vary (a label per made-up path would grow the series without bound).
 */
interface Seen {
  provider?: string;
  source?: string;
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
  constructor(private readonly deps: InboundServiceDeps) {}

  async ingest(input: IngestInput): Promise<IngestOut> {
    // The provider of a source that was found: never the path's text, which anyone can vary.
    const seen: Seen = {};
    try {
      const out = await this.decide(input, seen);
      this.count(seen, out.status);
      return out;
    } catch (error) {
      this.count(seen, error instanceof ApiError ? error.code : "error");
      throw error;
    }
  }

  private count(seen: Seen, outcome: string): void {
    this.deps.metrics?.inboundRequests.inc({ provider: seen.provider ?? "unknown", source: seen.source ?? "unknown", outcome });
  }

  private async decide(input: IngestInput, seen: Seen): Promise<IngestOut> {
    const { sources, rateLimits, requests } = this.deps;
    const receivedAt = Date.now();
    const source =
      input.sourceId !== undefined
        ? await sources.loadById(input.sourceId)
        : input.ingestToken !== undefined
          ? await sources.loadByIngestToken(input.ingestToken)
          : input.platform && (await sources.loadForPlatform(input.platform.provider, input.platform.app));
    if (!source) throw ApiError.notFound("Source");
    seen.provider = source.row.provider;
    seen.source = source.row.id;
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
      this.deps.verification?.failed(source.row, verdict.reason, receivedAt);
      await this.logRejected(received, verdict.reason);
      throw new ApiError(401, "invalid_signature", "The webhook signature could not be verified");
    }
    this.deps.verification?.verified(source.row.id);

    const body = parseBody(input.rawBody);
    const providerType = provider.eventType(body, input.headers, config);
    const eventId = provider.eventId(body, input.headers, config);
    const handshake = provider.challenge?.(body, config);
    if (handshake) return this.logHandshake(received, providerType, eventId, handshake);
    // Only signed material decides whether a call is new (see docs/inbound-integrity.md).
    const dedupeKey = dedupeKeyOf(
      provider.dedupeKey({ rawBody: input.rawBody, headers: input.headers, body }, config),
    );
    // Without a signed timestamp nothing else stops a captured call: hold its key for as long
    // as the log keeps it, not just for the sender's re-send window.
    const dedupeUntil =
      receivedAt + (provider.signsTimestamp(config) ? DEDUPE_WINDOW_MS : this.deps.retentionDays * DAY_MS);
    const event = normalizeEvent(provider, providerType, body);
    const message = newInboundMessage({
      appId: source.row.app_id,
      provider: source.row.provider,
      event,
      body,
      rawBody: input.rawBody,
      now: receivedAt,
      retentionDays: this.deps.retentionDays,
    });
    const request = this.requestRow(received, {
      status: "accepted",
      reason: null,
      providerType,
      eventId,
      dedupeKey,
      dedupeUntil,
      msgId: message.id,
    });
    // The de-duplication check runs in the message's transaction (see MessageWriter.write).
    let result: InsertResult;
    try {
      result = await this.deps.messages.submit({ message, inboundRequest: request });
    } catch (error) {
      if (isMissingSource(error)) throw ApiError.notFound("Source");
      // PostgreSQL: another copy was committed by a concurrent batch; the unique index refused ours.
      if (!isUniqueViolation(error)) throw error;
      const holder = await requests.findDedupeHolder(source.row.id, dedupeKey);
      return this.logDuplicate(received, providerType, eventId, holder?.msg_id ?? null);
    }
    if (!result.ok) {
      if (result.reason !== "duplicate_inbound") throw new Error(`unexpected insert result ${result.reason}`);
      return this.logDuplicate(received, providerType, eventId, result.msgId);
    }
    this.deps.wakeup.notify();
    return { status: "accepted", id: request.id, msgId: message.id };
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

  /** A verified URL check: logged as accepted without a message, and answered as asked. */
  private async logHandshake(
    received: Received,
    providerType: string,
    eventId: string | undefined,
    answer: ChallengeAnswer,
  ): Promise<IngestOut> {
    const row = this.requestRow(received, {
      status: "accepted",
      reason: "handshake",
      providerType,
      eventId,
      dedupeKey: null,
      msgId: null,
    });
    await this.writeLog(row);
    return { status: "handshake", id: row.id, msgId: null, ...answer };
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
      dedupeUntil?: number;
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
      dedupe_until: fields.dedupeUntil ?? null,
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
}

function dedupeKeyOf(key: string): string {
  return key.length <= DEDUPE_KEY_MAX && !key.includes("\u0000") ? key : `sha256:${sha256Hex(key)}`;
}
