import { describe, expect, it } from "vitest";

import { writeBatchOrEach } from "./batch-retry.js";

/** A writer that fails any batch holding "bad", and counts its calls. */
function writer(error: Error = new Error("unique violation")) {
  const calls: string[][] = [];
  const write = async (items: string[]): Promise<string[]> => {
    calls.push(items);
    if (items.includes("bad")) throw error;
    return items.map((i) => i.toUpperCase());
  };
  return { calls, all: write, one: async (item: string) => (await write([item]))[0]! };
}

describe("writeBatchOrEach", () => {
  it("writes a good batch once and answers every item", async () => {
    const w = writer();
    expect(await writeBatchOrEach(["a", "b"], w.all, w.one)).toEqual([
      { ok: true, value: "A" },
      { ok: true, value: "B" },
    ]);
    expect(w.calls).toEqual([["a", "b"]]);
  });

  it("retries a failed batch item by item: only the bad item fails", async () => {
    const error = new Error("unique violation");
    const w = writer(error);
    expect(await writeBatchOrEach(["a", "bad", "c"], w.all, w.one)).toEqual([
      { ok: true, value: "A" },
      { ok: false, error },
      { ok: true, value: "C" },
    ]);
    expect(w.calls).toEqual([["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
  });

  it("does not retry a batch of one", async () => {
    const w = writer();
    const [outcome] = await writeBatchOrEach(["bad"], w.all, w.one);
    expect(outcome?.ok).toBe(false);
    expect(w.calls).toHaveLength(1);
  });

  it("fails the whole batch at once when the database is unreachable", async () => {
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const w = writer(down);
    expect(await writeBatchOrEach(["a", "bad"], w.all, w.one)).toEqual([
      { ok: false, error: down },
      { ok: false, error: down },
    ]);
    expect(w.calls).toHaveLength(1);
  });
});
