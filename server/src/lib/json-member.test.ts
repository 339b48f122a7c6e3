import { describe, expect, it } from "vitest";

import { memberValueText, memberValueTextOfValid } from "./json-member.js";

describe("memberValueText", () => {
  const cases: [string, string | undefined][] = [
    ['{"eventType":"a","payload":{"n":9007199254740993}}', '{"n":9007199254740993}'],
    ['{ "payload" :  {"b":1,"2":0} , "eventType":"a"}', '{"b":1,"2":0}'],
    ['{"payload":{ "x" : [ 1e400 , -0, 12.30, 1E+2 ] }\n}', '{ "x" : [ 1e400 , -0, 12.30, 1E+2 ] }'],
    ['{"payload":"\\u2028\\/😀"}', '"\\u2028\\/😀"'],
    ['{"p\\u0061yload":{"a":1}}', '{"a":1}'],
    ['{"payload":{"a":1},"payload":{"b":2}}', '{"b":2}'],
    ['\uFEFF{"payload":[]}', "[]"],
    ['{"payload":null}', "null"],
    ['{"eventType":"a"}', undefined],
    ["{}", undefined],
    ["[1]", undefined],
    ['"payload"', undefined],
  ];
  it.each(cases)("%s", (text, expected) => {
    expect(memberValueText(text, "payload")).toBe(expected);
  });

  it("finds the same value JSON.parse keeps", () => {
    const text = '{"a":{"payload":1},"payload":{"deep":{"payload":[{"x":"}"}]}}}';
    const found = memberValueText(text, "payload")!;
    expect(JSON.parse(found)).toEqual((JSON.parse(text) as { payload: unknown }).payload);
  });

  it.each([
    '{"payload":{"a":1,}}',
    '{"payload":{"a":1} // comment\n}',
    '{"payload":/* c */{}}',
    '{"payload":{"a":1]}',
    '{"payload":{"a":1}',
    '{"payload":{"a":1}} extra',
    "{'payload':1}",
    '{"payload":"\\x"}',
    '{"payload":{"a":[1,]}}',
    '{"payload":01}',
    '{"payload":"a\tb"}',
    "",
  ])("refuses what the JSON grammar refuses: %s", (text) => {
    expect(() => memberValueText(text, "payload")).toThrow(SyntaxError);
  });

  // The fast path is what the message route uses: it must find what JSON.parse keeps in every
  // document JSON.parse accepts. Random documents with the awkward parts: escaped quotes and
  // backslashes, brackets inside strings, repeated and escaped keys, whitespace everywhere.
  it("agrees with JSON.parse on random documents", () => {
    // mulberry32: a seeded generator whose low bits vary too (a plain LCG's cycle through `% n`).
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % 1_000_003) % n;
    };
    const ws = (): string => [" ", "", "\n", "\t ", "\r\n"][rnd(5)]!;
    const strings = ['"a"', String.raw`"}]\\"`, String.raw`"\""`, String.raw`"x\\"`, '"{["', String.raw`"\u0022"`, '"payload"', '"😀"'];
    const value = (depth: number): string => {
      const k = rnd(depth > 3 ? 3 : 6);
      if (k === 0) return ["1e400", "-0", "12.30", "9007199254740993", "true", "null"][rnd(6)]!;
      if (k === 1 || k === 2) return strings[rnd(strings.length)]!;
      if (k === 3) return `[${ws()}${Array.from({ length: rnd(4) }, () => value(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
      return object(depth + 1);
    };
    const key = (): string => ['"payload"', '"p\\u0061yload"', '"eventType"', '"a\\"b"', '"]"'][rnd(5)]!;
    const object = (depth: number): string =>
      `{${ws()}${Array.from({ length: rnd(5) }, () => `${key()}${ws()}:${ws()}${value(depth)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    for (let n = 0; n < 3000; n++) {
      const doc = `${ws()}${object(0)}${ws()}`;
      const parsed = JSON.parse(doc) as Record<string, unknown>;
      const found = memberValueTextOfValid(doc, "payload");
      if (!Object.hasOwn(parsed, "payload")) {
        expect(found, doc).toBeUndefined();
        continue;
      }
      expect(found, doc).toBeDefined();
      expect(found!.trim(), doc).toBe(found);
      expect(JSON.parse(found!), doc).toEqual(parsed.payload);
    }
  });
});
