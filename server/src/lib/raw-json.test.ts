import { describe, expect, it } from "vitest";
import { z } from "zod";

import { rawJson, rawJsonText, stringifyWithRawJson } from "./raw-json.js";

describe("rawJson", () => {
  it("writes the text verbatim where JSON.stringify would change it", () => {
    const text = '{"b":1,"2":0,"n":9007199254740993,"x":1e400,"d":12.30, "s":"\\u2028"}';
    expect(stringifyWithRawJson({ id: "msg_1", payload: rawJson(text), tags: null })).toBe(
      `{"id":"msg_1","payload":${text},"tags":null}`,
    );
  });

  it("handles several markers, and text with `$` patterns", () => {
    const out = stringifyWithRawJson({
      data: [{ payload: rawJson('{"a":"$1$&"}') }, { payload: rawJson("[2]") }],
    });
    expect(out).toBe('{"data":[{"payload":{"a":"$1$&"}},{"payload":[2]}]}');
  });

  it("survives a zod record encode, as the response serializer does", () => {
    const encoded = z.encode(z.object({ payload: z.record(z.string(), z.unknown()) }), {
      payload: rawJson('{"z":1,"1":2}'),
    });
    expect(stringifyWithRawJson(encoded)).toBe('{"payload":{"z":1,"1":2}}');
  });

  it("is plain JSON.stringify without markers; strings that look like markers stay strings", () => {
    const value = { a: [1, "x"], b: { "hookrelay.raw-json.0": "{}" } };
    expect(stringifyWithRawJson(value)).toBe(JSON.stringify(value));
    expect(rawJsonText({ a: 1 })).toBeUndefined();
    expect(rawJsonText(rawJson("1"))).toBe("1");
  });
});
