import { describe, expect, it } from "vitest";

import { maskSecret } from "./source-config.js";

describe("maskSecret", () => {
  it.each([
    ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_…LaSw"],
    ["whsec_short", "whsec_****"],
    ["talabat_api_key_client_123", "…_123"],
    ["sixteen-chars-xx", "…s-xx"],
    ["fifteen-chars-x", "****"],
  ])("%j → %j", (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
});
