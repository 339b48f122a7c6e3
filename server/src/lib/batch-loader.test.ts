import { describe, expect, it } from "vitest";

import { BatchLoader } from "./batch-loader.js";

describe("BatchLoader", () => {
  it("answers the lookups of one event-loop turn with one call, each with its own value", async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<string, number>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== "missing").map((k) => [k, k.length]));
    });
    const answers = await Promise.all([loader.load("a"), loader.load("bbb"), loader.load("a"), loader.load("missing")]);
    expect(answers).toEqual([1, 3, 1, undefined]);
    expect(calls).toEqual([["a", "bbb", "missing"]]);

    // A later turn is a new call.
    expect(await loader.load("cc")).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it("splits a large turn and fails only the lookups of a failed call", async () => {
    const loader = new BatchLoader<number, number>(async (keys) => {
      if (keys.includes(3)) throw new Error("boom");
      return new Map(keys.map((k) => [k, k * 10]));
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4].map((k) => loader.load(k)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([10, 20, "failed", "failed"]);
  });
});
