import { isUtf8 } from "node:buffer";

import { Iso } from "../contract/common.js";
import type { InboundReprocessOut, InboundRequestDetailOut, InboundRequestOut } from "../contract/sources.js";
import { newId } from "../lib/ids.js";
import { jsonDepthWithin, MAX_JSON_DEPTH } from "../lib/json-depth.js";
import { rawJson, stringifyWithRawJson } from "../lib/raw-json.js";
import { isRecord, parseJsonBody } from "../providers/body.js";
import { type InboundHeaders, UNKNOWN_EVENT_TYPE } from "../providers/provider.js";
import type { InboundRequestSummary } from "../store/inbound-requests-repository.js";
import type { InboundReprocessRow, InboundRequestRow, MessageRow } from "../store/schema.js";

/*
 * How inbound requests are stored and shown, shared by ingest and re-process: the message an
 * event becomes, the body and headers as logged, and the API shapes of the log.
 */

const DAY_MS = 86_400_000;

const REDACTED = "[redacted]";
/**
 * Headers never stored: credentials and signatures of every scheme (authorization,
 * x-talabat-api-key, x-careem-signature, x-deliveroo-hmac-sha256, stripe-signature,
 * webhook-signature, x-hub-signature-256, x-shopify-hmac-sha256 …) and anything else so named.
 */
const SECRET_HEADER = /authorization|cookie|signature|hmac|secret|token|api-?key|password|credential/i;

/**
 * The message an inbound event becomes: published under its (cleaned) event type on the
 * provider's channel, kept as long as the request log. `body` is the value the event was
 * normalized from ({@link parseBody} of `rawBody`).
 *
 * @example newInboundMessage({ appId, provider: "careem", event, body, rawBody, now: Date.now(), retentionDays: 30 })
 */
export function newInboundMessage(input: {
  appId: string;
  provider: string;
  event: { eventType: string; payload: unknown };
  body: unknown;
  rawBody: Buffer;
  now: number;
  retentionDays: number;
}): MessageRow {
  const { appId, provider, event, body, rawBody, now } = input;
  return {
    id: newId("msg"),
    app_id: appId,
    event_type: messageEventType(event.eventType),
    event_id: null,
    payload: serializePayload(event.payload, provider, rawBody, body),
    // The provider's name as channel lets an endpoint subscribe to one sender's events.
    channels: JSON.stringify([provider]),
    tags: null,
    deliver_at: null,
    created_at: now,
    expires_at: now + input.retentionDays * DAY_MS,
  };
}

/** The body bytes of a logged request, as they were received (when not truncated). */
export function storedRawBody(row: Pick<InboundRequestRow, "body" | "body_encoding">): Buffer {
  return Buffer.from(row.body, row.body_encoding === "base64" ? "base64" : "utf8");
}

/**
 * The message payload as JSON text. The normalized envelope is a new document, but the
 * provider's own payload it carries under `original` is the JSON body exactly as received
 * (ADR 13): its text is written in, not a re-serialization of its parse, which would round big
 * integers, drop `12.30`'s zero and reorder integer-like keys. (A body that is JSON but not an
 * object or array, or not JSON at all, is carried as its value.)
 *
 * A body JSON.parse accepts can still be nested too deeply for JSON.stringify (a stack
 * overflow); such an event is relayed with its body as text instead of failing the provider's
 * call with a 500.
 *
 * @example serializePayload({ provider: "talabat", providerEventType: "x", original: body }, "talabat", rawBody, body)
 */
export function serializePayload(payload: unknown, provider: string, rawBody: Buffer, body?: unknown): string {
  try {
    if (isRecord(payload) && typeof body === "object" && body !== null && payload.original === body) {
      // Only JSON.parse makes objects of a body (parseBody), so the trimmed text is that JSON.
      return stringifyWithRawJson({ ...payload, original: rawJson(rawBody.toString("utf8").trim()) });
    }
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
export function parseBody(rawBody: Buffer): unknown {
  const json = parseJsonBody(rawBody);
  if (json !== undefined && jsonDepthWithin(json, MAX_JSON_DEPTH)) return json;
  return rawBody.length > 0 ? rawBody.toString("utf8") : undefined;
}

/** Text from a body, fit for a text column: at most 1,000 characters, no NUL (PostgreSQL refuses it). */
export function storableText(text: string): string {
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
export function storedBody(
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

export function toRequestOut(row: InboundRequestSummary): InboundRequestOut {
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

export function toRequestDetailOut(
  row: InboundRequestRow,
  reprocesses: readonly InboundReprocessRow[],
): InboundRequestDetailOut {
  return {
    ...toRequestOut(row),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    bodyEncoding: row.body_encoding,
    bodyTruncated: row.body_truncated === 1,
    reprocesses: reprocesses.map(toReprocessOut),
  };
}

export function toReprocessOut(row: InboundReprocessRow): InboundReprocessOut {
  return {
    id: row.id,
    requestId: row.request_id,
    msgId: row.msg_id,
    forced: row.forced === 1,
    actorTokenId: row.actor_token_id,
    actorName: row.actor_name,
    createdAt: Iso(row.created_at),
  };
}
