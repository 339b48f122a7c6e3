import type { Server } from "node:http";

import type { FastifyHttpOptions } from "fastify";

import type { Config } from "../config/config.js";

type Limits = Pick<Config, "requestTimeoutMs" | "headersTimeoutMs" | "connectionTimeoutMs" | "keepAliveTimeoutMs">;

/**
 * Fastify server options that make slow or stalled senders give their socket back: a whole
 * request within requestTimeoutMs, its headers within headersTimeoutMs, no silence longer than
 * connectionTimeoutMs, idle keep-alive sockets closed after keepAliveTimeoutMs. Node checks the
 * first two every `connectionsCheckingInterval` (30 s by default, which would double a 30 s
 * timeout), so the check runs at a tenth of the shorter one. The connection cap is set on the
 * server itself (`app.server.maxConnections`).
 *
 * @example Fastify({ ...socketLimits(config) })
 */
export function socketLimits(config: Limits): Partial<FastifyHttpOptions<Server>> {
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 10))),
    },
  };
}
