/**
 * The webhook object a transformation handler sees, Svix's documented shape: `method`, `url`,
 * `eventType`, `payload`, plus `headers` (to add) and `cancel`. The payload goes in as the
 * stored JSON text and is parsed inside the sandbox.
 */
export interface TransformationInput {
  method: TransformationMethod;
  url: string;
  eventType: string;
  /** The message payload as stored (JSON text). */
  payload: string;
}

/** The HTTP methods a handler may choose (Svix's `TransformationHttpMethod`). */
export const TRANSFORMATION_METHODS = ["POST", "PUT", "PATCH"] as const;
export type TransformationMethod = (typeof TRANSFORMATION_METHODS)[number];

/**
 * What a handler returned, checked: the payload as the JSON text to deliver and sign.
 *
 * @example { method: "POST", url: "https://example.com/hook", eventType: "invoice.paid", payload: "{\"a\":1}", headers: { "x-tenant": "7" }, cancel: false }
 */
export interface TransformedWebhook {
  method: TransformationMethod;
  url: string;
  eventType: string;
  payload: string;
  headers: Record<string, string>;
  cancel: boolean;
}

// Svix's own bounds: event type names, and header counts that stay readable in the attempt log.
const EVENT_TYPE = /^[a-zA-Z0-9\-_.]{1,256}$/;
const MAX_HEADERS = 32;
const MAX_HEADER_VALUE = 4096;

/**
 * Checks the JSON text a handler's return value serialized to. Anything off — not an object,
 * an unknown method, a URL that is not http(s), a non-string header — is reported by name so
 * the author sees it in the attempt log or the test run.
 *
 * @example readTransformedWebhook('{"method":"POST","url":"https://x.test","eventType":"a","payload":{},"headers":{},"cancel":false}')
 */
export function readTransformedWebhook(
  text: string,
): { ok: true; webhook: TransformedWebhook } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "handler must return the webhook object" };
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    return { ok: false, message: "handler must return the webhook object" };
  const w = value as Record<string, unknown>;
  const method = w.method ?? "POST";
  if (!TRANSFORMATION_METHODS.includes(method as TransformationMethod)) {
    return { ok: false, message: `webhook.method must be one of ${TRANSFORMATION_METHODS.join(", ")}` };
  }
  if (typeof w.url !== "string" || !isHttpUrl(w.url))
    return { ok: false, message: "webhook.url must be an http(s) URL" };
  if (typeof w.eventType !== "string" || !EVENT_TYPE.test(w.eventType)) {
    return { ok: false, message: "webhook.eventType must be an event type name (letters, digits, - _ .)" };
  }
  if (w.cancel !== undefined && typeof w.cancel !== "boolean")
    return { ok: false, message: "webhook.cancel must be a boolean" };
  const headers = readHeaders(w.headers);
  if (typeof headers === "string") return { ok: false, message: headers };
  // JSON.stringify of undefined is undefined: a handler that deleted the payload sends {}.
  const payload = w.payload === undefined ? "{}" : JSON.stringify(w.payload);
  return {
    ok: true,
    webhook: {
      method: method as TransformationMethod,
      url: w.url,
      eventType: w.eventType,
      payload,
      headers,
      cancel: w.cancel === true,
    },
  };
}

function readHeaders(value: unknown): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    return "webhook.headers must be an object of strings";
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) return `webhook.headers may hold at most ${MAX_HEADERS} headers`;
  const headers: Record<string, string> = {};
  for (const [name, v] of entries) {
    if (typeof v !== "string" || v.length > MAX_HEADER_VALUE)
      return `webhook.headers["${name.slice(0, 64)}"] must be a string of at most ${MAX_HEADER_VALUE} characters`;
    headers[name] = v;
  }
  return headers;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
