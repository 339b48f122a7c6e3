import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";

import { CoalescedLimiter } from "./coalesced-limiter.js";

const verdicts = (results: PromiseSettledResult<void>[]) => results.map((r) => (r.status === "fulfilled" ? "ok" : "refused"));

describe("CoalescedLimiter", () => {
  it("counts a burst with one store call and passes exactly the window's points, in arrival order", async () => {
    const store = new RateLimiterMemory({ points: 3, duration: 60 });
    const calls: number[] = [];
    const consume = store.consume.bind(store);
    store.consume = (key: string | number, points?: number) => {
      calls.push(points ?? 1);
      return consume(key, points);
    };
    const window = new CoalescedLimiter(store, 3);
    const burst = await Promise.allSettled(Array.from({ length: 5 }, () => window.consume("a")));
    expect(verdicts(burst)).toEqual(["ok", "ok", "ok", "refused", "refused"]);
    expect(calls).toEqual([5]);
    const refusal = (burst[4] as PromiseRejectedResult).reason as unknown;
    expect(refusal).toBeInstanceOf(RateLimiterRes);
    expect((refusal as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
    // Refused calls counted: the window stays exhausted, and other keys are apart.
    expect(verdicts(await Promise.allSettled([window.consume("a"), window.consume("b")]))).toEqual(["refused", "ok"]);
  });

  it("continues a partly used window across turns", async () => {
    const window = new CoalescedLimiter(new RateLimiterMemory({ points: 4, duration: 60 }), 4);
    expect(verdicts(await Promise.allSettled([window.consume("a"), window.consume("a")]))).toEqual(["ok", "ok"]);
    const next = await Promise.allSettled([window.consume("a"), window.consume("a"), window.consume("a")]);
    expect(verdicts(next)).toEqual(["ok", "ok", "refused"]);
  });

  it("refuses the whole burst when the store refuses without counting (an in-memory block)", async () => {
    const blocked = new RateLimiterMemory({ points: 3, duration: 60 });
    blocked.consume = () => Promise.reject(new RateLimiterRes(0, 5_000));
    const window = new CoalescedLimiter(blocked, 3);
    expect(verdicts(await Promise.allSettled([window.consume("a"), window.consume("a")]))).toEqual(["refused", "refused"]);
  });

  it("passes a store failure to every caller", async () => {
    const broken = new RateLimiterMemory({ points: 3, duration: 60 });
    broken.consume = () => Promise.reject(new Error("database unreachable"));
    const window = new CoalescedLimiter(broken, 3);
    const results = await Promise.allSettled([window.consume("a"), window.consume("a")]);
    expect(results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"))).toEqual([
      "database unreachable",
      "database unreachable",
    ]);
  });
});
