import { performance } from "node:perf_hooks";

import { SIGNATURE_HEADERS, type SignatureScheme, signDelivery } from "../lib/signature-schemes.js";
import { type DeliveryClient, isSsrfError } from "./http-client.js";

export type AttemptKind =
  | "success"
  | "http_error"
  | "timeout"
  | "network_error"
  | "ssrf_refused"
  // The endpoint's transformation failed (threw, timed out, ran out of memory, bad shape): nothing was sent.
  | "transformation_error";

/** What one delivery attempt came to; the worker turns it into a retry, a success or a failure. */
export interface AttemptOutcome {
  /** `success` is 2xx only; a 3xx is an `http_error` because redirects are never followed. */
  kind: AttemptKind;
  /** The HTTP status, or 0 when no response arrived. */
  statusCode: number;
  /** The response body (truncated to the byte limit), or why there was none. */
  response: string;
  durationMs: number;
  /** From a `Retry-After` header (delta seconds or HTTP-date), when present and valid. */
  retryAfterSeconds?: number;
  /** 410 Gone: the receiver asks never to be called again, so the endpoint gets disabled. */
  gone: boolean;
}

export interface AttemptInput {
  url: string;
  /** POST unless a transformation chose PUT or PATCH. */
  method?: "POST" | "PUT" | "PATCH";
  body: string;
  msgId: string;
  /** Every secret to sign with: the current one first, then those still in their rotation grace. */
  secrets: string[];
  /** The endpoint's signature scheme; Standard Webhooks when absent. */
  scheme?: SignatureScheme | undefined;
  /** The message's event type (sent as `X-Webhook-Event` by the `x-webhook-signature` scheme). */
  eventType?: string | undefined;
  /** The endpoint's custom headers. */
  headers?: Record<string, string>;
  /** Total budget for the request: connect, headers and body. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Milliseconds since the epoch; becomes `webhook-timestamp`. */
  now: number;
}

export const USER_AGENT = "Hookrelay/0.1";

// Custom headers may add to a delivery but never replace what makes it verifiable, nor anything
// that describes the connection or message framing (undici rejects several of these outright).
const PROTECTED_HEADERS = new Set([
  "content-type",
  "user-agent",
  ...SIGNATURE_HEADERS,
  "host",
  "content-length",
  "connection",
  "transfer-encoding",
  "keep-alive",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "proxy-connection",
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_VALUE = /[\r\n\0]/;

/**
 * The request headers of a delivery: JSON content type, our user agent, the identity and
 * signature headers of the endpoint's scheme (`signDelivery`: by default the Standard Webhooks
 * trio and the same values under Svix's `svix-*` names), plus the endpoint's custom headers
 * where they do not collide (case-insensitively) with any signature header or a hop-by-hop one.
 *
 * @example buildDeliveryHeaders({ msgId: "msg_1", timestampSeconds: 1700000000, body: "{}", secrets: ["whsec_…"], custom: { "x-env": "prod" } })
 */
export function buildDeliveryHeaders(input: {
  msgId: string;
  timestampSeconds: number;
  body: string;
  secrets: string[];
  custom?: Record<string, string> | undefined;
  scheme?: SignatureScheme | undefined;
  eventType?: string | undefined;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.custom ?? {})) {
    if (typeof value !== "string" || !TOKEN.test(name) || UNSAFE_VALUE.test(value)) continue;
    const lower = name.toLowerCase();
    if (!PROTECTED_HEADERS.has(lower)) headers[lower] = value;
  }
  headers["content-type"] = "application/json";
  headers["user-agent"] = USER_AGENT;
  const signed = signDelivery({
    scheme: input.scheme ?? "standard-webhooks",
    keys: input.secrets,
    msgId: input.msgId,
    timestampSeconds: input.timestampSeconds,
    body: input.body,
    eventType: input.eventType ?? "",
  });
  return Object.assign(headers, signed);
}

/**
 * Makes one signed POST and classifies the result. Never throws for anything the receiver or
 * the network does: every failure becomes an outcome the retry policy can reason about.
 *
 * @example
 * const outcome = await attemptDelivery(client, { url, body: "{}", msgId: "msg_1", secrets: [secret],
 *   timeoutMs: 15_000, maxResponseBytes: 64 * 1024, now: Date.now() });
 * if (outcome.kind !== "success") scheduleRetry(outcome);
 */
export async function attemptDelivery(client: Pick<DeliveryClient, "send">, input: AttemptInput): Promise<AttemptOutcome> {
  const headers = buildDeliveryHeaders({
    msgId: input.msgId,
    timestampSeconds: Math.floor(input.now / 1000),
    body: input.body,
    secrets: input.secrets,
    custom: input.headers,
    scheme: input.scheme,
    eventType: input.eventType,
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), input.timeoutMs);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const res = await client.send({
      url: input.url,
      method: input.method,
      headers,
      body: input.body,
      maxResponseBytes: input.maxResponseBytes,
      signal: controller.signal,
    });
    const durationMs = elapsed();
    const outcome: AttemptOutcome = {
      kind: res.statusCode >= 200 && res.statusCode < 300 ? "success" : "http_error",
      statusCode: res.statusCode,
      response: res.body,
      durationMs,
      gone: res.statusCode === 410,
    };
    const retryAfter = parseRetryAfter(res.headers["retry-after"], input.now + durationMs);
    if (retryAfter !== undefined) outcome.retryAfterSeconds = retryAfter;
    return outcome;
  } catch (error) {
    const durationMs = elapsed();
    const base = { statusCode: 0, durationMs, gone: false };
    if (isSsrfError(error)) return { ...base, kind: "ssrf_refused", response: reasonOf(error) };
    if (controller.signal.aborted || isTimeout(error)) {
      return { ...base, kind: "timeout", response: `timed out after ${durationMs} ms` };
    }
    return { ...base, kind: "network_error", response: reasonOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Seconds to wait from a `Retry-After` header: delta seconds, or an HTTP-date relative to
 * `nowMs` (a date in the past means 0). Undefined when absent or unparseable.
 *
 * @example parseRetryAfter("120", Date.now()) // 120
 * @example parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")) // 60
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // Every HTTP-date form names the month; Date.parse alone would read "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "ETIMEDOUT"
  );
}

/** A short, secret-free reason for the attempt log, e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9". */
function reasonOf(error: unknown): string {
  // undici wraps socket errors; the innermost one usually names the cause best.
  let e = error as { message?: unknown; code?: unknown; cause?: unknown } | null;
  while (e && typeof e.cause === "object" && e.cause !== null) e = e.cause as typeof e;
  const message = typeof e?.message === "string" ? e.message : String(error);
  return typeof e?.code === "string" && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
