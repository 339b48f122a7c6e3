import { hasScope, type Scope } from "./scopes.js";

/** An API key, or a consumer-portal session made for one application. */
export type TokenKind = "key" | "portal";

/**
 * Who is calling: the token a request authenticated with, as every service sees it for access
 * checks. Its own file so that services checking access need not import the token service.
 *
 * @example if (principal.appId !== null && principal.appId !== app.id) throw ApiError.notFound("Application");
 */
export interface Principal {
  tokenId: string;
  /** The token's name, as shown in the token list and the audit log. */
  name: string;
  /** Set for tokens limited to one application (consumer portal, scoped keys). */
  appId: string | null;
  kind: TokenKind;
  scopes: readonly Scope[];
  /** A read-only portal session: every write is refused (`read_only`). */
  readOnly: boolean;
  /** The CIDRs the token may be used from, as written; null = from anywhere. */
  allowedIps: readonly string[] | null;
  sessionId: string | null;
  expiresAt: number | null;
}

/**
 * Who makes a change, as the audit log records it: the caller's principal plus where the request
 * came from. The HTTP layer builds it (`actorOf(req)`); services take it as plain data wherever
 * they change state, and use it as the principal for access checks too.
 *
 * @example await services.applications.create(actorOf(req), body);
 */
export interface Actor extends Principal {
  /** The client address as the API saw it (X-Forwarded-For only with HOOKRELAY_TRUST_PROXY). */
  ip: string | null;
  requestId: string | null;
}

/**
 * The command line: an operator with direct access to the database, so unscoped.
 *
 * @example await services.tokens.create(CLI_ACTOR, { name: "deploy" });
 */
export const CLI_ACTOR: Actor = {
  tokenId: "cli",
  name: "cli",
  appId: null,
  kind: "key",
  scopes: ["admin"],
  readOnly: false,
  allowedIps: null,
  sessionId: null,
  expiresAt: null,
  ip: null,
  requestId: null,
};

/**
 * An admin key: every application, every scope (creating or deleting applications, changing a uid, managing keys).
 *
 * @example if (!isAdmin(principal)) throw insufficientScope("admin");
 */
export function isAdmin(principal: Principal): boolean {
  return principal.appId === null && hasScope(principal.scopes, "admin");
}
