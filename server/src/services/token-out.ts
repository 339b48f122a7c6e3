import { Iso } from "../contract/common.js";
import type { TokenOut, WhoamiOut } from "../contract/tokens.js";
import type { Principal } from "./principal.js";
import type { TokenInfo } from "./tokens.js";

const iso = (ms: number | null) => (ms === null ? null : Iso(ms));

/**
 * A token as the API lists it: everything but its secret, times as ISO strings.
 *
 * @example toTokenOut(await tokens.get("tok_…")).lastUsedAt // "2026-…Z" or null
 */
export function toTokenOut(t: TokenInfo): TokenOut {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    appId: t.appId,
    scopes: t.scopes,
    readOnly: t.readOnly,
    allowedIps: t.allowedIps,
    sessionId: t.sessionId,
    createdAt: Iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    rotatedAt: iso(t.rotatedAt),
    previousExpiresAt: iso(t.previousExpiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedIp: t.lastUsedIp,
    requestCount: t.requestCount,
  };
}

/**
 * The calling token as the dashboard needs it (portal mode, read-only mode).
 *
 * @example toWhoamiOut(principal).readOnly // false
 */
export function toWhoamiOut(p: Principal): WhoamiOut {
  return {
    tokenId: p.tokenId,
    name: p.name,
    kind: p.kind,
    appId: p.appId,
    scopes: [...p.scopes],
    readOnly: p.readOnly,
    sessionId: p.sessionId,
    expiresAt: iso(p.expiresAt),
  };
}
