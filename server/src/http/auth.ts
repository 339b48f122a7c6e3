import type { FastifyInstance } from "fastify";

import type { Principal, TokenService } from "../services/tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Paths reachable without a token: health, docs and the OpenAPI document. */
const PUBLIC = [/^\/api\/v1\/health\/?$/];

/**
 * Bearer-token authentication for the management API (`/api/…`). The principal is attached to
 * the request; routes read it with {@link principalOf}.
 */
export function registerAuth(app: FastifyInstance, tokens: TokenService): void {
  app.addHook("onRequest", async (request) => {
    const path = request.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/") || PUBLIC.some((p) => p.test(path))) return;
    const header = request.headers.authorization;
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    request.principal = await tokens.authenticate(token);
  });
}

/** The authenticated principal; the auth hook guarantees it on every `/api/` route. */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new Error("route reached without authentication");
  return request.principal;
}
