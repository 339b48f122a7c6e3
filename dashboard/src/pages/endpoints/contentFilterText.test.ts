import { describe, expect, it } from "vitest";

import { filterText, parseFilterText } from "./contentFilterText";

describe("content filter text", () => {
  it("edits a stored filter as pretty JSON, none as empty", () => {
    expect(filterText({ a: { $gte: 1 } })).toBe('{\n  "a": {\n    "$gte": 1\n  }\n}');
    expect(filterText(null)).toBe("");
    expect(filterText({})).toBe("");
  });

  it("parses empty and {} as no filter, an object as the filter", () => {
    expect(parseFilterText("  ")).toEqual({ ok: true, filter: null });
    expect(parseFilterText("{}")).toEqual({ ok: true, filter: null });
    expect(parseFilterText('{"type":"card"}')).toEqual({ ok: true, filter: { type: "card" } });
  });

  it("explains what is not a JSON object", () => {
    const broken = parseFilterText('{"type": }');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^Not valid JSON/);
    for (const text of ["[1]", "5", '"x"', "null"]) {
      const parsed = parseFilterText(text);
      expect(!parsed.ok && parsed.error).toMatch(/JSON object/);
    }
  });
});
