import { describe, expect, it } from "vitest";

import { EndpointThrottle } from "./endpoint-throttle.js";

describe("EndpointThrottle", () => {
  it("lets one second's worth through, then spreads the rest one interval apart", () => {
    const throttle = new EndpointThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 4; i++) expect(throttle.admit("ep_1", 4, now)).toBeUndefined();
    // Out of tokens: each further delivery gets its own slot, 250 ms after the previous one.
    expect(throttle.admit("ep_1", 4, now)).toBe(now + 250);
    expect(throttle.admit("ep_1", 4, now)).toBe(now + 500);
    expect(throttle.admit("ep_1", 4, now)).toBe(now + 750);
  });

  it("refills with time and keeps endpoints apart", () => {
    const throttle = new EndpointThrottle();
    const now = 1_000_000;
    expect(throttle.admit("ep_1", 1, now)).toBeUndefined();
    expect(throttle.admit("ep_1", 1, now)).toBe(now + 1000);
    expect(throttle.admit("ep_2", 1, now)).toBeUndefined();
    // A second later ep_1 has a token again; the slot handed out above has passed.
    expect(throttle.admit("ep_1", 1, now + 2000)).toBeUndefined();
  });

  it("holds at least one token for rates below one per second", () => {
    const throttle = new EndpointThrottle();
    const now = 1_000_000;
    expect(throttle.admit("ep_1", 0.5, now)).toBeUndefined();
    expect(throttle.admit("ep_1", 0.5, now)).toBe(now + 2000);
  });
});
