import { describe, expect, it } from "vitest";

import { formatRetrySchedule, parseRetrySchedule } from "./retry-schedule";

describe("retry schedule text", () => {
  it("reads seconds and units, and writes them back", () => {
    expect(parseRetrySchedule("5, 5m 30m,2h 1d")).toEqual({ seconds: [5, 300, 1800, 7200, 86_400] });
    expect(formatRetrySchedule([5, 300, 1800, 7200, 86_400, 90])).toBe("5s, 5m, 30m, 2h, 1d, 90s");
  });

  it("refuses what the server would refuse", () => {
    for (const bad of ["", "0", "1.5", "-3", "8d", "5 x", Array(21).fill("1").join(",")]) {
      expect(parseRetrySchedule(bad)).toHaveProperty("error");
    }
  });
});
