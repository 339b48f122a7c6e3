import { createHash } from "node:crypto";

/**
 * Parses a raw body as JSON, or undefined when it is not JSON (form-encoded, empty, binary).
 * Providers accept `unknown` bodies, so a caller can always pass this result on.
 *
 * @example
 * const body = parseJsonBody(req.rawBody); // unknown
 */
export function parseJsonBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` is a plain JSON object (not null, not an array).
 *
 * @example
 * isRecord({ a: 1 }) // true
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The value at a dot path (`"data.order.id"`) inside a JSON value, reading own properties only
 * so a path like `"constructor.name"` cannot reach into prototypes.
 *
 * @example
 * valueAt({ data: { order: { id: "o_1" } } }, "data.order.id") // "o_1"
 */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (!isRecord(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * A non-empty string at `path`; numbers are accepted as ids often are numeric in JSON.
 *
 * @example
 * stringAt({ id: 42 }, "id") // "42"
 */
export function stringAt(value: unknown, path: string): string | undefined {
  const found = valueAt(value, path);
  if (typeof found === "string") return found === "" ? undefined : found;
  if (typeof found === "number" && Number.isFinite(found)) return String(found);
  return undefined;
}

/**
 * A de-duplication key from the exact bytes of the body: the SHA-256 of the raw body, so it
 * covers precisely what a body signature covers (a re-serialised parse would not: two bodies
 * differing only in spacing or key order would share a key). A redelivery of the same event
 * carries the same bytes and so the same key, while two events that differ in any byte
 * (status, timestamp) never share one — a missed de-duplication only costs a duplicate, a
 * false one would lose an event. Headers are deliberately not part of it: a header a replayer
 * can change without breaking the signature must not make a call count as new.
 *
 * @example
 * rawBodyDigestKey(Buffer.from('{"event_type":"order.created"}')) // "sha256:5c1f…"
 */
export function rawBodyDigestKey(rawBody: Buffer): string {
  return `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
}
