import { describe, expect, it } from "vitest";

import { memberValueText } from "./json-member.js";

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
});
