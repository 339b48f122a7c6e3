import { describe, expect, it } from "vitest";

import { TtlCache } from "./ttl-cache.js";

describe("TtlCache", () => {
  it("returns values until they expire", () => {
    const c = new TtlCache<string, number>(100);
    c.set("a", 1, 1_000);
    expect(c.get("a", 1_050)).toBe(1);
    expect(c.get("a", 1_100)).toBeUndefined();
  });

  it("expires an entry earlier when given its own end", () => {
    const c = new TtlCache<string, number>(100);
    c.set("a", 1, 1_000, 1_020);
    expect(c.get("a", 1_019)).toBe(1);
    expect(c.get("a", 1_020)).toBeUndefined();
  });

  it("drops the oldest entry past its capacity", () => {
    const c = new TtlCache<string, number>(1_000, 2);
    c.set("a", 1, 0);
    c.set("b", 2, 0);
    c.set("c", 3, 0);
    expect(c.get("a", 1)).toBeUndefined();
    expect(c.get("b", 1)).toBe(2);
    expect(c.get("c", 1)).toBe(3);
  });
});
