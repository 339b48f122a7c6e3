import { createAddressClassifier, parseHostAsIp } from "../lib/address-classification.js";
import { ApiError } from "../lib/errors.js";

/**
 * Refuses, when an endpoint is saved, a URL whose host is an address the delivery guard would
 * never connect to: a literal private, loopback or link-local IP, or `localhost`. Without this
 * the endpoint is created, messages are accepted, and every attempt fails where nobody looks.
 * Host names are not resolved here: what they point to can change, so the guard still checks
 * the resolved addresses when it connects.
 *
 * @example
 * const check = createEndpointUrlCheck([]);
 * check("http://127.0.0.1:3000/hook"); // throws ApiError 422 endpoint_address_refused
 * check("https://example.com/hook"); // returns
 */
export function createEndpointUrlCheck(allowCidrs: readonly string[]): (url: string) => void {
  const refusal = createAddressClassifier(allowCidrs);
  return (url) => {
    let hostname: string;
    try {
      hostname = new URL(url).hostname;
    } catch {
      return; // The contract's URL check reports malformed URLs.
    }
    // localhost resolves to both loopback addresses; the guard refuses the name if either is refused.
    const addresses = isLocalhost(hostname) ? ["127.0.0.1", "::1"] : [parseHostAsIp(hostname)];
    for (const address of addresses) {
      if (address === undefined) continue;
      const reason = refusal(address);
      if (reason === undefined) continue;
      const allow = isLocalhost(hostname) ? "127.0.0.0/8,::1" : address;
      throw new ApiError(
        422,
        "endpoint_address_refused",
        `Deliveries to ${hostname} would be refused: ${address} is a ${reason} address, and only public ` +
          `addresses are allowed by default (SSRF protection). To deliver to it, e.g. to a local receiver, ` +
          `start Hookrelay with HOOKRELAY_ALLOW_PRIVATE_NETWORKS=${allow} (comma-separated addresses or ranges).`,
      );
    }
  };
}

function isLocalhost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}
