/**
 * The text of one member's value in a JSON object document, exactly as written: the characters
 * between the colon and the next comma or closing brace, less the whitespace around them. For a
 * carrier that must hand on a value it does not own (a message payload) without parsing and
 * re-serializing it, which would round big integers to doubles, turn `1e400` into `null`, drop
 * `12.30`'s zero and move integer-like keys first.
 *
 * The document is checked with `JSON.parse` (anything outside the JSON grammar throws a
 * SyntaxError), then {@link memberValueTextOfValid} finds the member. Undefined when the document
 * is not an object or has no such member.
 *
 * @example memberValueText('{"eventType":"a","payload":{"n":9007199254740993}}', "payload") // '{"n":9007199254740993}'
 */
export function memberValueText(text: string, key: string): string | undefined {
  const doc = withoutBom(text);
  JSON.parse(doc);
  return memberValueTextOfValid(doc, key);
}

/**
 * {@link memberValueText} for a document `JSON.parse` has already accepted (the message routes'
 * body parser parsed it a moment before): one pass over the top-level members, strings skipped
 * with `indexOf`, nested values skipped by counting brackets. ADR 23: it replaced a general JSON
 * visitor (jsonc-parser) that cost 16 µs of the 1 KB message create, a sixth of its CPU.
 *
 * A key written twice yields the last value, as `JSON.parse` keeps the last; keys are compared
 * after unescaping (`"p\u0061yload"` is `payload`), as `JSON.parse` does. Given text that is not
 * valid JSON the answer is unspecified (never an endless loop: every step moves forward).
 *
 * @example memberValueTextOfValid(req.jsonText, "payload")
 */
export function memberValueTextOfValid(text: string, key: string): string | undefined {
  const doc = withoutBom(text);
  let i = skipSpace(doc, 0);
  if (doc.charCodeAt(i) !== OPEN_BRACE) return undefined;
  let found: string | undefined;
  i = skipSpace(doc, i + 1);
  while (i < doc.length && doc.charCodeAt(i) === QUOTE) {
    const keyEnd = stringEnd(doc, i);
    const raw = doc.slice(i + 1, keyEnd - 1);
    const name = raw.includes("\\") ? (JSON.parse(doc.slice(i, keyEnd)) as string) : raw;
    // The colon, with the whitespace on either side of it.
    const start = skipSpace(doc, skipSpace(doc, keyEnd) + 1);
    const end = valueEnd(doc, start);
    if (name === key) found = doc.slice(start, end);
    i = skipSpace(doc, end);
    if (doc.charCodeAt(i) !== COMMA) break;
    i = skipSpace(doc, i + 1);
  }
  return found;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// JSON.parse (secure-json-parse in Fastify) skips a leading byte order mark; so does this.
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(s: string, from: number): number {
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** The index just past the string that opens at `from` (a quote). */
function stringEnd(s: string, from: number): number {
  let i = from + 1;
  for (;;) {
    const quote = s.indexOf('"', i);
    if (quote < 0) return s.length;
    // A quote preceded by an odd run of backslashes is escaped.
    let slashes = 0;
    while (s.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index just past the value that starts at `from`. */
function valueEnd(s: string, from: number): number {
  const first = s.charCodeAt(from);
  if (first === QUOTE) return stringEnd(s, from);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let i = from;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        i = stringEnd(s, i);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
      i++;
    }
    return s.length;
  }
  // A number, true, false or null: up to the next separator.
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    i++;
  }
  return i;
}
