import { performance } from "node:perf_hooks";

import type { FastifyRequest } from "fastify";

import { IngestTokenParams } from "../../contract/ingest.js";
import { IngestOut, PlatformIngestParams, SourceIngestParams } from "../../contract/sources.js";
import type { InboundHeaders } from "../../providers/provider.js";
import type { RouteModule } from "../app-deps.js";

const tags = ["Inbound"];

/** Lower-cased header names with repeated headers joined, as providers expect to read them. */
function headersOf(req: FastifyRequest): InboundHeaders {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** The arrival time of the request in performance.now() terms (Fastify times from onRequest). */
function startedAt(elapsedMs: number): number {
  return performance.now() - elapsedMs;
}

/**
 * Where providers send webhooks. Not under /api: no bearer token, as the provider's own scheme
 * (signature, API key, bearer token) authenticates each call. Every content type is read as
 * raw bytes, since signatures cover the body exactly as sent; this plugin is encapsulated, so
 * the JSON parser of the management API is untouched. Bodies over HOOKRELAY_BODY_LIMIT_BYTES
 * are refused with 413 before any of this runs.
 */
export const ingestRoutes: RouteModule = (app, { services, metrics }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  const rawBody = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  // A relayed webhook is a message created like any other (duplicates are not).
  const counted = <T extends { status: string }>(result: T): T => {
    if (result.status === "accepted") metrics?.messagesCreated.inc();
    return result;
  };

  app.post(
    "/webhooks/:provider/:app_id",
    {
      schema: {
        tags,
        operationId: "hookrelay.ingest.platform",
        summary: "Receive a platform webhook",
        description: "Where a delivery platform sends its webhooks for one application. The request is verified with the source's secret and turned into a message; 401 for a bad signature, 403 for an address outside the allowlist, 429 over the rate limit. Public: providers sign instead of using a token.",
        security: [],
        params: PlatformIngestParams,
        response: { 200: IngestOut },
      },
    },
    async (req, reply) =>
      counted(
        await services.inbound.ingest({
          platform: { provider: req.params.provider, app: req.params.app_id },
          rawBody: rawBody(req),
          headers: headersOf(req),
          ip: req.ip,
          startedAt: startedAt(reply.elapsedTime),
        }),
      ),
  );

  app.post(
    "/ingest/:source_id",
    {
      schema: {
        tags,
        operationId: "hookrelay.ingest.source",
        summary: "Receive a source webhook",
        description: "Where a provider sends its webhooks for one source. The request is verified with the source's secret and turned into a message; 401 for a bad signature, 403 for an address outside the allowlist, 429 over the rate limit. Public: providers sign instead of using a token.",
        security: [],
        params: SourceIngestParams,
        response: { 200: IngestOut },
      },
    },
    async (req, reply) =>
      counted(
        await services.inbound.ingest({
          sourceId: req.params.source_id,
          rawBody: rawBody(req),
          headers: headersOf(req),
          ip: req.ip,
          startedAt: startedAt(reply.elapsedTime),
        }),
      ),
  );

  app.post(
    "/ingest/in/:token",
    {
      // The token is the URL's secret: request log lines (HOOKRELAY_LOG_REQUESTS) show the
      // route, never the path as sent.
      logSerializers: { req: (req: FastifyRequest) => ({ method: req.method, url: "/ingest/in/[redacted]" }) },
      schema: {
        tags,
        operationId: "hookrelay.ingest.token",
        summary: "Receive an ingest source webhook",
        description: "The `ingestUrl` of an ingest source (`/ingest/api/v1/source`). The path's token finds the source; the call is verified with the source type's scheme and relayed to the source's endpoints. 404 for an unknown or rotated token, 401 for a bad signature. Public: the token and the provider's signature authenticate it.",
        security: [],
        params: IngestTokenParams,
        response: { 200: IngestOut },
      },
    },
    async (req, reply) =>
      counted(
        await services.inbound.ingest({
          ingestToken: req.params.token,
          rawBody: rawBody(req),
          headers: headersOf(req),
          ip: req.ip,
          startedAt: startedAt(reply.elapsedTime),
        }),
      ),
  );
};
