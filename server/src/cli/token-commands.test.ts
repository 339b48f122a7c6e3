import { describe, expect, it } from "vitest";

import { parseExpiry } from "./token-commands.js";

describe("hookrelay token create --expires", () => {
  it("reads durations and future dates as seconds from now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseExpiry("3600", now)).toBe(3600);
    expect(parseExpiry("90m", now)).toBe(5400);
    expect(parseExpiry("12h", now)).toBe(43_200);
    expect(parseExpiry("30d", now)).toBe(2_592_000);
    expect(parseExpiry("2026-01-02T00:00:00Z", now)).toBe(86_400);
  });

  it("refuses past dates and nonsense", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(() => parseExpiry("2025-01-01", now)).toThrow(/--expires/);
    expect(() => parseExpiry("soon", now)).toThrow(/--expires/);
  });
});
