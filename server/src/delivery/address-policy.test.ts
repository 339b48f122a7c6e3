import { describe, expect, it } from "vitest";

import { createAddressPolicy, parseHostAsIp, SsrfError } from "./address-policy.js";

describe("parseHostAsIp", () => {
  const cases: [host: string, ip: string | undefined][] = [
    ["127.0.0.1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["0X7F000001", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["017700000001", "127.0.0.1"],
    ["127.0.0.1.", "127.0.0.1"],
    ["0", "0.0.0.0"],
    ["0x", "0.0.0.0"],
    ["169.254.43518", "169.254.169.254"],
    ["2852039166", "169.254.169.254"],
    ["%31%32%37.0.0.1", "127.0.0.1"],
    ["１２７.０.０.１", "127.0.0.1"],
    ["4294967295", "255.255.255.255"],
    ["[::1]", "::1"],
    ["[::ffff:127.0.0.1]", "::ffff:7f00:1"],
    ["[0:0:0:0:0:ffff:7f00:1]", "::ffff:7f00:1"],
    ["[::]", "::"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["::1", "::1"],
    ["fe80::1", "fe80::1"],
    // Not addresses: domain names and strings no URL accepts as an address.
    ["example.com", undefined],
    ["localhost", undefined],
    ["127.0.0.1.example.com", undefined],
    ["4294967296", undefined],
    ["256.0.0.1", undefined],
    ["1.2.3.4.5", undefined],
    ["08.0.0.1", undefined],
    ["0x7g.1", undefined],
    ["1..1", undefined],
    ["[::1", undefined],
    ["[not-ipv6]", undefined],
    ["", undefined],
  ];

  it.each(cases)("%s → %s", (host, ip) => {
    expect(parseHostAsIp(host)).toBe(ip);
  });

  // Bare IPv6 forms are addresses to the parser but not URL hosts; each side is asserted, so a
  // case cannot pass by throwing before its assertion.
  const bareIpv6 = new Set(["::1", "fe80::1"]);

  it.each(cases.filter(([host, ip]) => ip !== undefined && !bareIpv6.has(host)))(
    "agrees with new URL() for %s",
    (host, ip) => {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(parseHostAsIp(hostname)).toBe(ip);
      // What the URL parser produces is already canonical: same address, same text.
      expect(hostname.replace(/^\[|\]$/g, "")).toBe(ip);
    },
  );

  it.each([...bareIpv6])("%s is not a URL host without brackets", (host) => {
    expect(() => new URL(`http://${host}/`)).toThrow();
  });
});

describe("createAddressPolicy without an allow list", () => {
  const policy = createAddressPolicy([]);
  const cases: [ip: string, allowed: boolean][] = [
    // Global unicast.
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["93.184.216.34", true],
    ["2606:4700:4700::1111", true],
    ["2a00:1450:4001:80b::200e", true],
    // IPv4 special ranges.
    ["127.0.0.1", false],
    ["127.255.255.254", false],
    ["10.0.0.1", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["169.254.0.1", false],
    ["100.64.0.1", false],
    ["100.127.255.255", false],
    ["100.128.0.1", true],
    ["0.0.0.0", false],
    ["0.1.2.3", false],
    ["255.255.255.255", false],
    ["224.0.0.1", false],
    ["239.255.255.250", false],
    ["240.0.0.1", false],
    ["192.0.0.8", false],
    ["192.0.2.1", false],
    ["198.18.0.1", false],
    ["198.19.255.255", false],
    ["198.51.100.7", false],
    ["203.0.113.9", false],
    // Non-canonical spellings are judged by the address they denote.
    ["127.1", false],
    ["0x7f000001", false],
    ["2130706433", false],
    ["0177.0.0.1", false],
    ["2852039166", false],
    // IPv6 special ranges.
    ["::1", false],
    ["::", false],
    ["[::1]", false],
    ["fc00::1", false],
    ["fd12:3456::1", false],
    ["fe80::1", false],
    ["fe80::1%eth0", false],
    ["fec0::1", false],
    ["ff02::1", false],
    ["2001:db8::1", false],
    ["2001:2::1", false],
    ["100::1", false],
    ["4000::1", false],
    // IPv6 forms carrying an IPv4 address are judged by that address.
    ["::ffff:127.0.0.1", false],
    ["::ffff:7f00:1", false],
    ["[::ffff:127.0.0.1]", false],
    ["::ffff:169.254.169.254", false],
    ["::ffff:10.0.0.1", false],
    ["::ffff:8.8.8.8", true],
    ["::127.0.0.1", false],
    ["::7f00:1", false],
    ["::ffff:0:127.0.0.1", false],
    ["64:ff9b::127.0.0.1", false],
    ["64:ff9b::a9fe:a9fe", false],
    ["64:ff9b::8.8.8.8", true],
    ["64:ff9b:1::8.8.8.8", false],
    ["2002:7f00:1::1", false],
    ["2002:a00:1::", false],
    ["2002:808:808::1", true],
    // Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted as 80ff:fffe).
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", false],
    // Teredo: server 65.54.227.120, client 8.8.8.8 (f7f7:f7f7).
    ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", true],
    // Teredo: server in 10/8, client public.
    ["2001:0:a00:1:8000:63bf:f7f7:f7f7", false],
    // Not an IP at all.
    ["example.com", false],
    ["", false],
  ];

  it.each(cases)("%s allowed: %s", (ip, allowed) => {
    expect(policy.isAllowed(ip)).toBe(allowed);
    if (allowed) expect(() => policy.check(ip)).not.toThrow();
    else expect(() => policy.check(ip)).toThrow(SsrfError);
  });

  it("throws an SsrfError with code ESSRF and a reason", () => {
    try {
      policy.check("169.254.169.254");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SsrfError);
      expect((error as SsrfError).code).toBe("ESSRF");
      expect((error as SsrfError).message).toContain("linkLocal");
    }
    expect(() => policy.check("::ffff:127.0.0.1")).toThrow(/loopback/);
    expect(() => policy.check("2002:7f00:1::1")).toThrow(/6to4 form of loopback/);
  });
});

describe("createAddressPolicy with an allow list", () => {
  const policy = createAddressPolicy(["127.0.0.0/8", "10.0.0.0/8", "fd00::/8", "192.168.5.5"]);
  const cases: [ip: string, allowed: boolean][] = [
    ["127.0.0.1", true],
    ["127.1", true],
    ["::ffff:127.0.0.1", true],
    ["10.20.30.40", true],
    ["fd00::1", true],
    ["192.168.5.5", true],
    ["192.168.5.6", false],
    ["172.16.0.1", false],
    ["169.254.169.254", false],
    ["::1", false],
    ["fc00::1", false],
    ["8.8.8.8", true],
  ];

  it.each(cases)("%s allowed: %s", (ip, allowed) => {
    expect(policy.isAllowed(ip)).toBe(allowed);
  });

  it("accepts IPv4-mapped CIDRs as the IPv4 range", () => {
    const mapped = createAddressPolicy(["::ffff:10.0.0.0/104"]);
    expect(mapped.isAllowed("10.1.1.1")).toBe(true);
    expect(mapped.isAllowed("::ffff:10.1.1.1")).toBe(true);
    expect(mapped.isAllowed("11.0.0.1")).toBe(true);
    expect(mapped.isAllowed("127.0.0.1")).toBe(false);
  });

  it("rejects an invalid CIDR when created", () => {
    expect(() => createAddressPolicy(["10.0.0.0/33"])).toThrow(/invalid CIDR/);
    expect(() => createAddressPolicy(["not-a-cidr"])).toThrow(/invalid CIDR/);
  });
});
