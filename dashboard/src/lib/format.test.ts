import { describe, expect, it } from "vitest";

import { formatMs, formatPercent, formatRelative, localInputToIso, prettyJson } from "./format";

describe("format", () => {
  it("formats latencies", () => {
    expect(formatMs(null)).toBe("—");
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(1530)).toBe("1.53 s");
    expect(formatMs(15_300)).toBe("15.3 s");
  });

  it("formats ratios", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.9234)).toBe("92.3%");
  });

  it("formats relative times both ways", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(formatRelative("2025-01-01T00:02:00Z", now)).toBe("in 2 min");
    expect(formatRelative("2024-12-31T23:59:30Z", now)).toBe("30 s ago");
    expect(formatRelative(null, now)).toBe("—");
  });

  it("converts local input values", () => {
    expect(localInputToIso("")).toBeUndefined();
    expect(localInputToIso("2025-01-01T10:00")).toMatch(/^2025-01-01T\d\d:00:00.000Z$/);
  });

  it("pretty-prints JSON text and leaves other text alone", () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson("not json")).toBe("not json");
  });
});
