import type { AddressInfo } from "node:net";

import type { Config } from "../config/config.js";

/**
 * The base of the URLs Hookrelay hands out (portal links, ingest URLs): HOOKRELAY_PUBLIC_URL
 * when set, else the address the API listens on. Never the request's Host header: a client
 * choosing it would get portal links pointing at its own server, carrying a live token.
 *
 * @example publicBaseUrl(config, req) // "https://hooks.example.com" or "http://127.0.0.1:8071"
 */
export function publicBaseUrl(
  config: Pick<Config, "publicUrl" | "host" | "port">,
  req: { server: { server: { address(): AddressInfo | string | null } } },
): string {
  if (config.publicUrl !== undefined) return config.publicUrl.replace(/\/+$/, "");
  const address = req.server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  // A wildcard listen address is not somewhere to send anyone; the machine itself is.
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
