import { describe, expect, it } from "vitest";

import { csvField, parseCsv, toCsv } from "./csv";

describe("csvField", () => {
  it("leaves plain values bare", () => {
    expect(csvField("msg_1")).toBe("msg_1");
    expect(csvField(42)).toBe("42");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(true)).toBe("true");
  });

  it("quotes commas, quotes and line breaks, doubling inner quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line1\nline2")).toBe('"line1\nline2"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField(" padded ")).toBe('" padded "');
  });

  it("neutralises spreadsheet formulas in text", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("+1,2")).toBe(`"'+1,2"`);
  });
});

describe("toCsv / parseCsv", () => {
  it("round-trips awkward values with CRLF line ends", () => {
    const rows = [
      ["msg_1", '{"a":"x,y","b":"say \\"hi\\""}', "multi\nline"],
      ["msg_2", "", "plain"],
    ];
    const text = toCsv(["id", "payload", "note"], rows);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n")[0]).toBe("id,payload,note");
    expect(parseCsv(text)).toEqual([["id", "payload", "note"], ...rows]);
  });
});
