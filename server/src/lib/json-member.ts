import { printParseErrorCode, visit } from "jsonc-parser";

/**
 * The text of one member's value in a JSON object document, exactly as written: the characters
 * between the colon and the next comma or closing brace, less the whitespace around them. For a
 * carrier that must hand on a value it does not own (a message payload) without parsing and
 * re-serializing it, which would round big integers to doubles, turn `1e400` into `null`, drop
 * `12.30`'s zero and move integer-like keys first.
 *
 * Microsoft's jsonc-parser (VS Code's JSON reader) walks the document and reports offsets,
 * configured strictly: no comments, no trailing commas, no empty document. Anything outside the
 * JSON grammar throws a SyntaxError. Undefined when the document is not an object or has no such
 * member. A key written twice yields the last value, as `JSON.parse` keeps the last; keys are
 * compared after unescaping (`"p\u0061yload"` is `payload`), as `JSON.parse` does.
 *
 * @example memberValueText('{"eventType":"a","payload":{"n":9007199254740993}}', "payload") // '{"n":9007199254740993}'
 */
export function memberValueText(text: string, key: string): string | undefined {
  // JSON.parse (secure-json-parse in Fastify) skips a leading byte order mark; so does this.
  const doc = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let depth = 0;
  let topLevelObject = false;
  let member: string | undefined;
  let start = -1;
  let found: string | undefined;

  const begin = (offset: number): void => {
    if (depth === 0) topLevelObject = doc.charCodeAt(offset) === 0x7b;
    else if (depth === 1 && member === key) start = offset;
    depth++;
  };
  const end = (offset: number, length: number): void => {
    depth--;
    if (depth === 1 && start >= 0) {
      found = doc.slice(start, offset + length);
      start = -1;
    }
  };
  visit(
    doc,
    {
      onObjectBegin: begin,
      onArrayBegin: begin,
      onObjectEnd: end,
      onArrayEnd: end,
      onObjectProperty: (property) => {
        if (depth === 1) member = property;
      },
      onLiteralValue: (_value: unknown, offset, length) => {
        if (depth === 1 && member === key) found = doc.slice(offset, offset + length);
      },
      onError: (error, offset) => {
        throw new SyntaxError(`Invalid JSON at offset ${offset}: ${printParseErrorCode(error)}`);
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return topLevelObject ? found : undefined;
}
