import { describe, expect, it } from "vitest";

import { failureReason } from "./failure-reason";

describe("failureReason", () => {
  it("names network failures plainly", () => {
    expect(failureReason(0, "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9")).toBe("connection refused");
    expect(failureReason(0, "timed out after 15000 ms")).toBe("timeout");
    expect(failureReason(0, "getaddrinfo ENOTFOUND nowhere.invalid")).toBe("host not found");
    expect(failureReason(0, "")).toBe("no response");
  });

  it("keeps a refusal's own text", () => {
    expect(failureReason(0, "ESSRF: refusing to connect to 127.0.0.1: loopback address")).toBe(
      "refusing to connect to 127.0.0.1: loopback address",
    );
    expect(failureReason(0, "delivery not sent: bad secret")).toBe("delivery not sent: bad secret");
  });

  it("shows the start of an error response and nothing for a success", () => {
    expect(failureReason(500, '{\n  "error": "boom"\n}')).toBe('{ "error": "boom" }');
    expect(failureReason(503, "")).toBeNull();
    expect(failureReason(200, "ok")).toBeNull();
  });
});
