import { randomBytes } from "node:crypto";

// A marker is a plain one-key object, so it survives a zod `z.record` encode (which copies
// plain objects and refuses class instances). The key is random per process and never sent:
// a payload cannot forge a marker, and so cannot make its text be spliced unescaped.
const NONCE = randomBytes(16).toString("hex");
const MARK = `hookrelay.raw-json.${NONCE}`;
const PLACEHOLDER = new RegExp(`"${NONCE}:(\\d+)"`, "g");

/**
 * A stand-in for a JSON value held as text (a stored message payload): written verbatim by
 * {@link stringifyWithRawJson} where a parse and `JSON.stringify` would round big integers,
 * turn `1e400` into `null`, drop `12.30`'s zero and reorder integer-like keys. The text must be
 * valid JSON; it is not checked here (it was when the message was accepted).
 *
 * Typed as a record so it fits the contract's `payload` field; only {@link stringifyWithRawJson}
 * (the API's response serializer) knows what it is.
 *
 * @example stringifyWithRawJson({ payload: rawJson('{"n":9007199254740993}') }) // '{"payload":{"n":9007199254740993}}'
 */
export function rawJson(text: string): Record<string, unknown> {
  return { [MARK]: text };
}

/** The text of a {@link rawJson} marker, or undefined for any other value. */
export function rawJsonText(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const text = (value as Record<string, unknown>)[MARK];
  return typeof text === "string" ? text : undefined;
}

/**
 * `JSON.stringify`, with every {@link rawJson} marker written as its text, unescaped.
 *
 * @example stringifyWithRawJson({ a: 1, payload: rawJson('{"b":1,"2":0}') }) // '{"a":1,"payload":{"b":1,"2":0}}'
 */
export function stringifyWithRawJson(value: unknown): string {
  const texts: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    const text = rawJsonText(v);
    if (text === undefined) return v;
    texts.push(text);
    return `${NONCE}:${texts.length - 1}`;
  });
  if (texts.length === 0) return json;
  return json.replace(PLACEHOLDER, (_match, index: string) => texts[Number(index)]!);
}
