import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import type { IncomingHttpHeaders } from "node:http";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";

import { Agent } from "undici";

import { type AddressPolicy, parseHostAsIp, SsrfError } from "./address-policy.js";

/** Resolves a host name to every address it has, like `dns.lookup(host, { all: true })`. */
export type Resolver = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

export interface DeliveryClientOptions {
  policy: AddressPolicy;
  /** Sockets kept per origin (scheme + host + port). Default 128. */
  connections?: number;
  /** How long an idle keep-alive socket is kept, in ms. Default 4000, below common server idle timeouts. */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect timeout, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** DNS resolution; defaults to the system resolver (`dns.lookup`, which honours /etc/hosts). */
  resolve?: Resolver;
}

export interface SendRequest {
  url: string;
  /** Defaults to POST; an endpoint's transformation may choose PUT or PATCH. */
  method?: "POST" | "PUT" | "PATCH" | undefined;
  headers: Record<string, string>;
  body: string;
  /** Response body bytes kept; reading stops (and the socket is dropped) past this. */
  maxResponseBytes: number;
  /** Aborts the request, including a response body still being read. */
  signal?: AbortSignal;
}

export interface SendResult {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** At most `maxResponseBytes` of the response body, decoded as UTF-8. */
  body: string;
  truncated: boolean;
}

/**
 * POSTs webhook deliveries over keep-alive connections, never following redirects, and only to
 * addresses the policy allows. The check runs inside the socket's DNS lookup, on the very
 * addresses the socket then connects to, so a name that resolves to a public address when
 * validated and to 127.0.0.1 when connecting (DNS rebinding) is still refused. IP-literal
 * hosts skip DNS, so they are checked before the request is made.
 *
 * @example
 * const client = new DeliveryClient({ policy: createAddressPolicy([]) });
 * const res = await client.send({ url: "https://example.com/hook", headers: {}, body: "{}", maxResponseBytes: 1024 });
 * await client.close();
 */
export class DeliveryClient {
  private readonly agent: Agent;
  private readonly policy: AddressPolicy;

  constructor(options: DeliveryClientOptions) {
    this.policy = options.policy;
    this.agent = new Agent({
      connections: options.connections ?? 128,
      // One request per socket at a time: a slow receiver must not hold up the next delivery.
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      connect: {
        timeout: options.connectTimeoutMs ?? 10_000,
        lookup: guardedLookup(options.policy, options.resolve ?? systemResolve),
      },
    });
  }

  /** Sends one POST. Rejects with {@link SsrfError} (code ESSRF) for a refused address. */
  async send(request: SendRequest): Promise<SendResult> {
    const url = new URL(request.url);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`unsupported URL scheme ${url.protocol}`);
    }
    const literal = parseHostAsIp(url.hostname);
    if (literal !== undefined) this.policy.check(literal);
    const response = await this.agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method ?? "POST",
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    const { text, truncated } = await readCapped(response.body, request.maxResponseBytes);
    return { statusCode: response.statusCode, headers: response.headers, body: text, truncated };
  }

  /** Closes every socket, aborting requests still in flight. */
  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

/**
 * True when `error` (or an error it wraps) is an SSRF refusal. Errors raised in a socket's
 * lookup reach the caller through undici's connect path, possibly wrapped.
 *
 * @example if (isSsrfError(err)) outcome = "ssrf_refused";
 */
export function isSsrfError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SsrfError || (e as { code?: unknown }).code === "ESSRF") return true;
  }
  return false;
}

function systemResolve(hostname: string, options: LookupOptions): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(
      hostname,
      { family: options.family ?? 0, hints: options.hints ?? 0, all: true },
      (err, addresses) => (err ? reject(err) : resolve(addresses)),
    );
  });
}

function guardedLookup(policy: AddressPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options).then(
      (addresses) => {
        // Refuse when any address is disallowed, not just the first: with happy eyeballs the
        // socket may try them all, and a mixed answer is a rebinding attempt anyway.
        try {
          for (const a of addresses) policy.check(a.address);
        } catch (error) {
          return callback(error as SsrfError, "");
        }
        const first = addresses[0];
        if (!first) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = "ENOTFOUND";
          return callback(error, "");
        }
        if (options.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ""),
    );
  };
}

async function readCapped(body: Readable, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size = maxBytes;
      truncated = true;
      // Leaving the loop destroys the stream: an endless body is never buffered, at the cost
      // of that socket not being reused.
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks, size).toString("utf8"), truncated };
}
