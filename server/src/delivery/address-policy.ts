import { createAddressClassifier, parseHostAsIp } from "../lib/address-classification.js";

export { parseHostAsIp };

/** The setting that opts private ranges back in; named in every refusal so the fix is one search away. */
export const ALLOW_SETTING = "HOOKRELAY_ALLOW_PRIVATE_NETWORKS";

/**
 * Thrown (and passed to socket callbacks) when a destination address is not allowed. Its
 * message is what the attempt log shows, so it names the setting that would allow it.
 *
 * @example throw new SsrfError("169.254.169.254", "linkLocal"); // "refusing to connect to 169.254.169.254: linkLocal address; to allow it, add it to HOOKRELAY_ALLOW_PRIVATE_NETWORKS"
 */
export class SsrfError extends Error {
  /** Shaped like a Node system error so it survives undici's connect path and can be told apart. */
  readonly code = "ESSRF";

  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refusing to connect to ${address}: ${reason} address; to allow it, add it to ${ALLOW_SETTING}`);
    this.name = "SsrfError";
  }
}

/** Decides which IP addresses webhook deliveries may connect to. */
export interface AddressPolicy {
  /** True when deliveries may connect to `ip` (any literal form `parseHostAsIp` understands). */
  isAllowed(ip: string): boolean;
  /** Throws {@link SsrfError} unless `ip` is allowed. */
  check(ip: string): void;
}

/**
 * An SSRF guard over {@link createAddressClassifier}: only global unicast addresses, plus the
 * ranges of `allowCidrs` (HOOKRELAY_ALLOW_PRIVATE_NETWORKS), e.g. for a self-hosted deployment
 * delivering to services on its own network.
 *
 * @example
 * const policy = createAddressPolicy(["10.0.0.0/8"]);
 * policy.isAllowed("10.1.2.3"); // true
 * policy.isAllowed("169.254.169.254"); // false
 */
export function createAddressPolicy(allowCidrs: readonly string[]): AddressPolicy {
  const refusal = createAddressClassifier(allowCidrs);
  return {
    isAllowed: (ip) => refusal(ip) === undefined,
    check(ip) {
      const reason = refusal(ip);
      if (reason !== undefined) throw new SsrfError(ip, reason);
    },
  };
}
