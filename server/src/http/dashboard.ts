import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

import { handleNotFound } from "./errors.js";

/** dashboard/dist, found relative to this file both from server/src and from server/dist. */
export const DASHBOARD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../dashboard/dist");

const PROBE_PATH = /^\/(health|healthz|readyz|livez)(\/|$)/;

/**
 * Serves the built dashboard at `/`. Unknown non-API GET paths get index.html so the SPA's
 * client-side routes (/apps/…, /portal) survive a reload; API and probe paths keep their JSON 404.
 */
export async function registerDashboard(app: FastifyInstance, dir = DASHBOARD_DIR): Promise<void> {
  const available = existsSync(join(dir, "index.html"));
  if (available) {
    await app.register(fastifyStatic, { root: dir, wildcard: false, index: "index.html" });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    // Probe paths a load balancer or Kubernetes might try get a JSON 404, never the SPA's 200.
    const isApi =
      path.startsWith("/api/") || path.startsWith("/webhooks/") || path.startsWith("/ingest/") || PROBE_PATH.test(path);
    if (available && request.method === "GET" && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type("text/html; charset=utf-8").sendFile("index.html");
    }
    handleNotFound(request, reply);
    return reply;
  });
}
