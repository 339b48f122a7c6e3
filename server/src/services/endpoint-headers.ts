import type { EndpointHeaders, EndpointHeadersOut } from "../contract/endpoints.js";
import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";

/** Header values returned masked: they are credentials for the receiver. */
const SENSITIVE_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-access-token",
]);
const MASK = "********";

/**
 * The custom headers of an endpoint row. The column is sealed as a whole (values are often
 * credentials for the receiver); rows written before 0.2 that migration 0005 has not yet
 * reached are plaintext JSON, which `open` passes through.
 *
 * @example openHeaders(keyring, row.headers) // { "X-Api-Key": "…" }
 */
export function openHeaders(keyring: Keyring, stored: string): EndpointHeaders {
  return parseJson<EndpointHeaders>(keyring.open(stored), {});
}

/**
 * The custom headers as stored: sealed as a whole.
 *
 * @example sealHeaders(keyring, { "X-Api-Key": "…" }) // "enc:…"
 */
export function sealHeaders(keyring: Keyring, headers: EndpointHeaders): string {
  return keyring.seal(JSON.stringify(headers));
}

/**
 * Headers as the API shows them: the values of credential-like headers masked, their names
 * listed in `sensitive`.
 *
 * @example maskHeaders({ Authorization: "Bearer x", "X-Env": "prod" }) // { headers: { Authorization: "********", "X-Env": "prod" }, sensitive: ["Authorization"] }
 */
export function maskHeaders(stored: EndpointHeaders): EndpointHeadersOut {
  const sensitive: string[] = [];
  const headers = Object.entries(stored).map(([name, value]) => {
    if (!SENSITIVE_HEADERS.has(name.toLowerCase())) return [name, value] as const;
    sensitive.push(name);
    return [name, MASK] as const;
  });
  return { headers: Object.fromEntries(headers), sensitive };
}

/**
 * Applies header changes to a header map. Names are case-insensitive in HTTP, so a change
 * replaces any existing spelling of the same name (`x-token` replaces `X-Token`); null removes.
 *
 * @example mergeHeaders({ "X-Token": "a" }, { "x-token": "b", "X-Old": null }) // { "x-token": "b" }
 */
export function mergeHeaders(current: EndpointHeaders, changes: Record<string, string | null>): EndpointHeaders {
  const byLower = new Map(
    Object.entries(current).map(([name, value]) => [name.toLowerCase(), [name, value] as const]),
  );
  for (const [name, value] of Object.entries(changes)) {
    byLower.delete(name.toLowerCase());
    if (value !== null) byLower.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byLower.values());
}
