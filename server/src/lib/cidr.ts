import ipaddr from "ipaddr.js";

/** A parsed address range: the network address and its prefix length. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * An address or CIDR range in the usual notation. IPv4 must be dotted-quad: ipaddr.js would
 * also take "0x7f.1" or "2130706433", which nobody means in an allowlist. Shared by source
 * allowlists and API keys' `allowedIps`.
 *
 * @example parseCidr("203.0.113.0/24")?.[1] // 24; parseCidr("0x7f.1") // undefined
 */
export function parseCidr(text: string): Cidr | undefined {
  const [address = "", bits, ...rest] = text.trim().split("/");
  if (rest.length > 0) return undefined;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !(address.includes(":") && ipaddr.IPv6.isValid(address))) return undefined;
  const max = v4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return undefined;
  return [ipaddr.parse(address), prefix];
}

/**
 * Whether `ip` (as Node reports the peer, IPv4-mapped IPv6 included) lies in one of `ranges`;
 * an empty list allows every address.
 *
 * @example ipAllowed([parseCidr("203.0.113.0/24")!], "::ffff:203.0.113.7") // true
 */
export function ipAllowed(ranges: readonly Cidr[], ip: string): boolean {
  if (ranges.length === 0) return true;
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}
