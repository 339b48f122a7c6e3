import { describe, expect, it } from "vitest";

import { ipAllowed, parseCidr } from "./cidr.js";

describe("parseCidr", () => {
  it.each([
    ["203.0.113.0/24", 24],
    ["203.0.113.7", 32],
    ["2001:db8::/32", 32],
    ["::1", 128],
    [" 10.0.0.0/8 ", 8],
  ])("accepts %j", (text, bits) => {
    expect(parseCidr(text)?.[1]).toBe(bits);
  });

  it.each([
    "10.0.0.0/33",
    "2001:db8::/129",
    "0x7f.1",
    "2130706433",
    "10.0.0/8",
    "10.0.0.0/8/8",
    "10.0.0.0/x",
    "",
    "example.com",
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("ipAllowed", () => {
  const ranges = ["203.0.113.0/24", "2001:db8::/32"].map((c) => parseCidr(c)!);

  it("allows every address when the list is empty", () => {
    expect(ipAllowed([], "198.51.100.1")).toBe(true);
  });

  it("matches IPv4, IPv4-mapped IPv6 and IPv6 against ranges of their family", () => {
    expect(ipAllowed(ranges, "203.0.113.200")).toBe(true);
    expect(ipAllowed(ranges, "::ffff:203.0.113.200")).toBe(true);
    expect(ipAllowed(ranges, "2001:db8:1::5")).toBe(true);
    expect(ipAllowed(ranges, "203.0.114.1")).toBe(false);
    expect(ipAllowed(ranges, "2001:db9::1")).toBe(false);
  });

  it("refuses what is not an address", () => {
    expect(ipAllowed(ranges, "")).toBe(false);
    expect(ipAllowed(ranges, "unknown")).toBe(false);
  });
});
