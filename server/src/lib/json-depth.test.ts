import { describe, expect, it } from "vitest";

import { jsonDepthWithin } from "./json-depth.js";

const nested = (levels: number): unknown => JSON.parse("[".repeat(levels) + "]".repeat(levels));

describe("jsonDepthWithin", () => {
  it("counts objects and arrays, not scalars", () => {
    expect(jsonDepthWithin(1, 0)).toBe(true);
    expect(jsonDepthWithin("x", 0)).toBe(true);
    expect(jsonDepthWithin({}, 0)).toBe(false);
    expect(jsonDepthWithin({ a: 1, b: "x" }, 1)).toBe(true);
    expect(jsonDepthWithin({ a: [1, { b: 2 }] }, 3)).toBe(true);
    expect(jsonDepthWithin({ a: [1, { b: 2 }] }, 2)).toBe(false);
  });

  it("finds the deepest branch among wide siblings", () => {
    const value = { wide: Array.from({ length: 1000 }, (_, i) => ({ i })), deep: nested(10) };
    expect(jsonDepthWithin(value, 11)).toBe(true);
    expect(jsonDepthWithin(value, 10)).toBe(false);
  });

  it("checks nesting far beyond what the stack allows without overflowing", () => {
    const hostile = nested(200_000);
    expect(() => JSON.stringify(hostile)).toThrow(RangeError);
    expect(jsonDepthWithin(hostile, 128)).toBe(false);
  });
});
