import { describe, expect, it } from "vitest";

import { joinConfig, limitError, splitConfig } from "./source-config";

describe("source config form", () => {
  it("splits the allowlist and limits from the provider's fields and joins them back", () => {
    const s = splitConfig({
      secret: "••••",
      clientId: "c1",
      ipAllowlist: ["203.0.113.0/24"],
      rateLimits: [{ points: 100, durationSeconds: 60 }],
    });
    expect(s.provider).toEqual({ secret: "••••", clientId: "c1" });
    expect(s.allowlist).toEqual(["203.0.113.0/24"]);
    expect(s.limitMode).toBe("custom");
    expect(s.limits).toEqual([{ key: 0, points: "100", seconds: "60" }]);
    expect(joinConfig({ ...s, allowlist: [...s.allowlist, "  ", " 10.0.0.1 "] })).toEqual({
      secret: "••••",
      clientId: "c1",
      ipAllowlist: ["203.0.113.0/24", "10.0.0.1"],
      rateLimits: [{ points: 100, durationSeconds: 60 }],
    });
  });

  it("uses the provider's limits when none are stored, and sends null to return to them", () => {
    const s = splitConfig({ secret: "", token: "t" });
    expect(s.limitMode).toBe("default");
    expect(joinConfig(s)).toEqual({ token: "t", ipAllowlist: [], rateLimits: null });
    expect(joinConfig({ ...s, limitMode: "custom" }).rateLimits).toEqual([]);
  });

  it("names the rate-limit row that cannot be saved", () => {
    expect(limitError([{ key: 0, points: "10", seconds: "1" }])).toBeNull();
    expect(
      limitError([
        { key: 0, points: "10", seconds: "1" },
        { key: 1, points: "0", seconds: "1" },
      ]),
    ).toMatch(/^Rate limit 2: requests/);
    expect(limitError([{ key: 0, points: "5", seconds: "1.5" }])).toMatch(/seconds/);
  });
});
