import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from "fastify";

import { ApiError } from "../lib/errors.js";
import type { Principal } from "../services/principal.js";
import { hasScope, type Scope } from "../services/scopes.js";
import type { TokenService } from "../services/tokens.js";

/** What a route requires: a scope, or "token" for any valid token (whoami, logout). */
export type RouteScope = Scope | "token";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /**
     * The scope a token needs for this route. Every route that is not on PUBLIC_ROUTES must
     * declare one, or the app refuses to start (registerAuth's onRoute hook).
     */
    scope?: RouteScope;
  }
}

/**
 * Routes served without a token, matched against the URL a route is registered with (never the
 * request's URL): health, the inbound ingest paths (signed by providers instead), metrics, the
 * OpenAPI document and docs, and the dashboard's static files.
 */
export const PUBLIC_ROUTES: readonly RegExp[] = [
  /^\/api\/v1\/health(\/ping|\/report)?\/?$/,
  /^\/healthz$/,
  /^\/webhooks\//,
  // Not /ingest/api/…: Svix's ingest management API takes a token like the rest of /api.
  /^\/ingest\/(?!api\/)/,
  /^\/metrics$/,
  /^\/openapi\.json$/,
  /^\/docs(\/|$)/,
  /^\/$/,
  /^\/index\.html$/,
  /^\/assets\//,
  // Files Vite copies to the top of dashboard/dist (favicon, robots.txt, manifest …).
  /^\/[\w.-]+\.(html|js|css|map|json|svg|ico|png|jpg|webp|txt|webmanifest|woff2?)$/,
];

/** Methods that read; a read-only portal session may use nothing else. */
const READ_METHODS = new Set(["GET", "HEAD"]);

/** One registered route as the auth hook saw it. */
export interface RouteEntry {
  method: string;
  url: string;
  /** null for a public route. */
  scope: RouteScope | null;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route of an app built with registerAuth (HEAD twins included), with what it requires. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export function isPublicRoute(url: string): boolean {
  return PUBLIC_ROUTES.some((p) => p.test(url));
}

/**
 * Authentication and authorization, decided in one place. Every route is seen as it is
 * registered (onRoute, so plugins' routes too): a public one must match PUBLIC_ROUTES; any
 * other must declare `config.scope`, and gets a first onRequest hook that checks the bearer
 * token, the client address, read-only mode and the scope. Because the hook belongs to the
 * route the router matched, percent-encoding (`/%61pi/…`) or any other spelling of a path
 * cannot skip it. Must be called before any route is registered.
 */
export function registerAuth(app: FastifyInstance, tokens: TokenService): void {
  const table: RouteEntry[] = [];
  routeTables.set(app, table);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (isPublicRoute(route.url)) {
      for (const method of methods) table.push({ method, url: route.url, scope: null });
      return;
    }
    const scope = route.config?.scope;
    if (!scope) {
      throw new Error(`${methods.join(",")} ${route.url} is not public and declares no config.scope`);
    }
    prependOnRequest(route, authenticator(tokens, scope));
    for (const method of methods) table.push({ method, url: route.url, scope });
  });
}

function authenticator(tokens: TokenService, scope: RouteScope): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const principal = await tokens.authenticate(token);
    tokens.checkAddress(principal, request.ip);
    tokens.usage.record(principal.tokenId, request.ip);
    if (principal.readOnly && !READ_METHODS.has(request.method) && scope !== "token") {
      throw new ApiError(403, "read_only", "This portal session is read-only");
    }
    if (scope !== "token" && !hasScope(principal.scopes, scope)) {
      throw new ApiError(403, "insufficient_scope", `This key lacks the ${scope} scope`);
    }
    request.principal = principal;
  };
}

function prependOnRequest(route: RouteOptions, hook: onRequestAsyncHookHandler): void {
  const existing = route.onRequest;
  route.onRequest = existing === undefined ? [hook] : Array.isArray(existing) ? [hook, ...existing] : [hook, existing];
}

/** The authenticated principal; the auth hook guarantees it on every route that declares a scope. */
export function principalOf(request: { principal?: Principal }): Principal {
  if (!request.principal) throw new Error("route reached without authentication");
  return request.principal;
}
