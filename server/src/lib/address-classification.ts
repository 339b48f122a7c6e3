import { domainToASCII } from "node:url";

import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

// 2000::/3 is the only IPv6 space allocated for global unicast; ipaddr.js calls anything it has
// no name for "unicast", including unallocated space such as 4000::/2.
const GLOBAL_UNICAST_V6: Cidr = [ipaddr.IPv6.parse("2000::"), 3];
// RFC 8215 local-use NAT64 prefix: translated by an operator's own gateway, so not global.
const LOCAL_NAT64: Cidr = [ipaddr.IPv6.parse("64:ff9b:1::"), 48];

/**
 * Classifies addresses for the SSRF guard: only global unicast addresses are deliverable, so a
 * customer-supplied endpoint URL cannot reach loopback, private networks, cloud metadata
 * (169.254.169.254) or other special ranges. IPv6 forms that carry an IPv4 address (mapped,
 * NAT64, 6to4, Teredo) are judged by that IPv4 address. `allowCidrs` (HOOKRELAY_ALLOW_PRIVATE_NETWORKS)
 * opts ranges back in. Pure, so the API can refuse a literal address when an endpoint is saved
 * and the delivery client can refuse it when connecting, by the same rules.
 *
 * @example
 * const refusal = createAddressClassifier(["10.0.0.0/8"]);
 * refusal("10.1.2.3"); // undefined (allowed)
 * refusal("169.254.169.254"); // "linkLocal"
 */
export function createAddressClassifier(allowCidrs: readonly string[]): (ip: string) => string | undefined {
  const allowed = allowCidrs.map(parseAllowCidr);

  function refusal(address: Address): string | undefined {
    if (address.kind() === "ipv6") {
      const v6 = address as ipaddr.IPv6;
      // A mapped address is the IPv4 host itself on a dual-stack socket, so the IPv4 rules
      // (and the IPv4 allow list) must apply to it exactly.
      if (v6.isIPv4MappedAddress()) return refusal(v6.toIPv4Address());
    }
    if (allowed.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits))) {
      return undefined;
    }
    if (address.kind() === "ipv4") {
      const range = address.range();
      return range === "unicast" ? undefined : range;
    }
    const v6 = address as ipaddr.IPv6;
    const embedded = embeddedIpv4(v6);
    if (embedded) {
      for (const v4 of embedded.addresses) {
        const reason = refusal(v4);
        if (reason) return `${embedded.form} form of ${reason}`;
      }
      return undefined;
    }
    const range = v6.range();
    if (range !== "unicast") return range;
    if (v6.match(LOCAL_NAT64)) return "local NAT64";
    return v6.match(GLOBAL_UNICAST_V6) ? undefined : "unallocated";
  }

  /** Why deliveries may not connect to `ip` (any literal form `parseHostAsIp` understands), or undefined when they may. */
  return (ip) => {
    const literal = parseHostAsIp(ip);
    if (literal === undefined) return "not an IP";
    return refusal(ipaddr.parse(literal));
  };
}

/**
 * The canonical IP address a URL host denotes, or undefined when the host is a domain name.
 * Follows the WHATWG URL host parser, so every spelling a browser or `new URL` accepts for an
 * address is recognized: shortened (`127.1`), hex (`0x7f000001`), octal (`0177.0.0.1`),
 * a single decimal number (`2130706433`), percent-encoded or full-width digits, a trailing dot,
 * and bracketed IPv6 (`[::ffff:127.0.0.1]`). Unbracketed IPv6, as DNS returns it, is accepted too.
 *
 * @example parseHostAsIp("0x7f.1") // "127.0.0.1"
 * @example parseHostAsIp("[::1]") // "::1"
 * @example parseHostAsIp("example.com") // undefined
 */
export function parseHostAsIp(host: string): string | undefined {
  if (host.startsWith("[")) return host.endsWith("]") ? parseIpv6(host.slice(1, -1)) : undefined;
  if (host.includes(":")) return parseIpv6(host);
  let decoded = host;
  if (host.includes("%")) {
    try {
      decoded = decodeURIComponent(host);
    } catch {
      return undefined;
    }
  }
  // IDNA mapping turns full-width digits and dots into ASCII before the IPv4 parse, as in URLs.
  const ascii = domainToASCII(decoded);
  return ascii === "" ? undefined : parseIpv4(ascii);
}

function parseIpv6(text: string): string | undefined {
  try {
    return ipaddr.IPv6.parse(text).toString();
  } catch {
    return undefined;
  }
}

/** WHATWG "IPv4 parser": up to four parts, each decimal, 0x-hex or 0-octal; the last fills the rest. */
function parseIpv4(text: string): string | undefined {
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255)) return undefined;
  if (last >= 256 ** (4 - numbers.length)) return undefined;
  let value = last;
  numbers.forEach((n, i) => (value += n * 256 ** (3 - i)));
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function parseIpv4Number(part: string): number | undefined {
  if (part === "") return undefined;
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
  } else if (part.length > 1 && part.startsWith("0")) {
    digits = part.slice(1);
    radix = 8;
  }
  if (digits === "") return 0;
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return valid.test(digits) ? parseInt(digits, radix) : undefined;
}

/** The IPv4 addresses an IPv6 transition address would deliver to, or undefined for plain IPv6. */
function embeddedIpv4(v6: ipaddr.IPv6): { form: string; addresses: ipaddr.IPv4[] } | undefined {
  const p = v6.parts;
  const v4 = (hi: number, lo: number): ipaddr.IPv4 => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  const at = (i: number): number => p[i] ?? 0;
  switch (v6.range()) {
    case "rfc6145": // ::ffff:0:a.b.c.d (SIIT)
      return { form: "SIIT", addresses: [v4(at(6), at(7))] };
    case "rfc6052": // 64:ff9b::a.b.c.d (NAT64 well-known prefix)
      return v6.match(LOCAL_NAT64) ? undefined : { form: "NAT64", addresses: [v4(at(6), at(7))] };
    case "6to4": // 2002:AABB:CCDD::/48
      return { form: "6to4", addresses: [v4(at(1), at(2))] };
    case "teredo": // 2001:0:SERVER:flags:port:~CLIENT
      return { form: "Teredo", addresses: [v4(at(2), at(3)), v4(at(6) ^ 0xffff, at(7) ^ 0xffff)] };
    default:
      break;
  }
  // Deprecated IPv4-compatible ::a.b.c.d (but not :: and ::1, which are judged on their own).
  if (p.slice(0, 6).every((x) => x === 0) && (at(6) !== 0 || at(7) > 1)) {
    return { form: "IPv4-compatible", addresses: [v4(at(6), at(7))] };
  }
  return undefined;
}

function parseAllowCidr(text: string): Cidr {
  let cidr: Cidr;
  try {
    cidr = ipaddr.parseCIDR(text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`);
  } catch {
    throw new Error(`invalid CIDR in allowPrivateNetworks: "${text}"`);
  }
  const [range, bits] = cidr;
  // "::ffff:10.0.0.0/104" means the IPv4 range; mapped addresses are checked as IPv4.
  if (range.kind() === "ipv6" && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(range as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return cidr;
}
