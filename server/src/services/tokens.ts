import { randomBytes } from "node:crypto";

import { type Cidr, ipAllowed, parseCidr } from "../lib/cidr.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { TokenRow } from "../store/schema.js";
import type { TokensRepository } from "../store/tokens-repository.js";
import { diffFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import type { Actor, Principal, TokenKind } from "./principal.js";
import { APP_KEY_SCOPES, parseScopes, type Scope } from "./scopes.js";
import type { TokenUsage } from "./token-usage.js";

/** A token as listed: everything but its secret. */
export interface TokenInfo {
  id: string;
  name: string;
  kind: TokenKind;
  appId: string | null;
  scopes: Scope[];
  readOnly: boolean;
  allowedIps: string[] | null;
  sessionId: string | null;
  expiresAt: number | null;
  createdAt: number;
  rotatedAt: number | null;
  /** End of the grace period of the secret replaced by the last rotation. */
  previousExpiresAt: number | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  requestCount: number;
}

export interface CreatedToken extends TokenInfo {
  token: string;
}

export interface NewToken {
  name: string;
  appId?: string | null | undefined;
  /** Default: `admin` for a key on every application, APP_KEY_SCOPES for a key on one. */
  scopes?: readonly Scope[] | null | undefined;
  allowedIps?: readonly string[] | null | undefined;
  ttlSeconds?: number | null | undefined;
  kind?: TokenKind | undefined;
  readOnly?: boolean | undefined;
  sessionId?: string | null | undefined;
}

export interface TokenPatch {
  name?: string | undefined;
  scopes?: readonly Scope[] | undefined;
  allowedIps?: readonly string[] | null | undefined;
  /** Epoch ms; null = never. */
  expiresAt?: number | null | undefined;
}

const CACHE_TTL_MS = 5_000;

/** Parsed allowlists, per cached principal, so a request does not re-parse its key's CIDRs. */
const parsedRanges = new WeakMap<Principal, Cidr[]>();

/**
 * Issues and checks API keys and portal sessions. Only the SHA-256 of a token is stored, so a
 * database leak reveals no usable token. Lookups are cached for a few seconds because every
 * request authenticates; a revocation, rotation or change made on another instance therefore
 * takes effect within CACHE_TTL_MS (at once on the instance that made it).
 */
export class TokenService {
  /**
   * Principal by presented token; null remembers an unknown or revoked token for as long. Keyed
   * by the token itself, not its hash, so a cached request costs no SHA-256 (a few percent of
   * message ingest); the store still only ever sees hashes.
   */
  private readonly cache = new TtlCache<string, Principal | null>(CACHE_TTL_MS);

  constructor(
    private readonly tokens: TokensRepository,
    readonly usage: TokenUsage,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Creates a key or portal session, audited as `action` (`app-portal-access.create` for portal
   * sessions). The audit row names the token by id: neither the token nor its hash is recorded.
   */
  async create(actor: Actor, input: NewToken, action = "token.create"): Promise<CreatedToken> {
    const appId = input.appId ?? null;
    const scopes = checkScopes(input.scopes ?? (appId === null ? ["admin"] : APP_KEY_SCOPES), appId);
    const token = newSecret();
    const createdAt = Date.now();
    const row: TokenRow = {
      id: newId("tok"),
      name: input.name,
      token_hash: sha256Hex(token),
      app_id: appId,
      expires_at: input.ttlSeconds ? createdAt + input.ttlSeconds * 1000 : null,
      created_at: createdAt,
      revoked_at: null,
      kind: input.kind ?? "key",
      scopes: JSON.stringify(scopes),
      read_only: input.readOnly ? 1 : 0,
      allowed_cidrs: cidrsJson(input.allowedIps),
      session_id: input.sessionId ?? null,
      previous_hash: null,
      previous_expires_at: null,
      rotated_at: null,
      last_used_at: null,
      last_used_ip: null,
      request_count: 0,
    };
    const info = toInfo(row);
    await this.audit.run(
      actor,
      (trx) => this.tokens.insert(row, trx),
      () => ({ action, appId, resourceId: row.id, changes: diffFields(null, auditView(info)) }),
    );
    return { ...info, token };
  }

  /** Registers an admin key chosen by the operator (HOOKRELAY_ADMIN_TOKEN); a no-op when already known. */
  async ensure(token: string, name: string): Promise<void> {
    const hash = sha256Hex(token);
    if (await this.tokens.findByHash(hash)) return;
    await this.tokens.insertIfAbsent({
      ...blankRow(name, hash),
      scopes: JSON.stringify(["admin"]),
    });
  }

  async hasAdminToken(): Promise<boolean> {
    return (await this.tokens.countActive(Date.now())) > 0;
  }

  /** The principal for a bearer token, or a 401 (unknown, revoked, expired, or past its rotation grace). */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw ApiError.unauthorized("Missing bearer token");
    const now = Date.now();
    let principal = this.cache.get(token, now);
    if (principal === undefined) {
      const hash = sha256Hex(token);
      const row = await this.tokens.findByHash(hash);
      // Valid until the key expires or, for the secret a rotation replaced, the grace ends.
      const until = row
        ? Math.min(row.expires_at ?? Infinity, row.token_hash === hash ? Infinity : (row.previous_expires_at ?? 0))
        : Infinity;
      const valid = row !== undefined && row.revoked_at === null && until > now;
      principal = valid ? toPrincipal(row) : null;
      this.cache.set(token, principal, now, valid ? until : Infinity);
    }
    if (!principal) throw ApiError.unauthorized();
    return principal;
  }

  /** 403 `ip_not_allowed` unless the token may be used from `ip` (the client address as Fastify resolves it). */
  checkAddress(principal: Principal, ip: string): void {
    if (principal.allowedIps === null) return;
    let ranges = parsedRanges.get(principal);
    if (!ranges) {
      ranges = principal.allowedIps.map((c) => parseCidr(c)).filter((c) => c !== undefined);
      parsedRanges.set(principal, ranges);
    }
    if (!ipAllowed(ranges, ip)) {
      throw new ApiError(403, "ip_not_allowed", "This key may not be used from this address");
    }
  }

  async list(limit: number, iterator?: string): Promise<{ data: TokenInfo[]; iterator: string | null; prevIterator: null; done: boolean }> {
    const rows = await this.tokens.list(limit + 1, iterator);
    const data = rows.slice(0, limit).map(toInfo);
    return { data, iterator: data[data.length - 1]?.id ?? null, prevIterator: null, done: rows.length <= limit };
  }

  async get(id: string): Promise<TokenInfo> {
    const row = await this.tokens.findById(id);
    if (!row || row.revoked_at !== null) throw ApiError.notFound("Token");
    return toInfo(row);
  }

  async update(actor: Actor, id: string, patch: TokenPatch): Promise<TokenInfo> {
    const row = await this.tokens.findById(id);
    if (!row || row.revoked_at !== null) throw ApiError.notFound("Token");
    const set: Partial<TokenRow> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.scopes !== undefined) {
      if (row.kind === "portal") throw ApiError.badRequest("A portal session's scopes follow its readOnly mode", "portal_scopes");
      set.scopes = JSON.stringify(checkScopes(patch.scopes, row.app_id));
    }
    if (patch.allowedIps !== undefined) set.allowed_cidrs = cidrsJson(patch.allowedIps);
    if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt;
    const after = toInfo({ ...row, ...set });
    if (Object.keys(set).length > 0) {
      await this.audit.run(
        actor,
        async (trx) => {
          if (!(await this.tokens.update(id, set, trx))) throw ApiError.notFound("Token");
        },
        () => ({
          action: "token.update",
          appId: row.app_id,
          resourceId: id,
          changes: diffFields(auditView(toInfo(row)), auditView(after)),
        }),
      );
    }
    this.cache.clear();
    return after;
  }

  /**
   * Issues a new secret for a key; the old one keeps working for `graceSeconds` (0 = stops at
   * once), so clients can be redeployed without an outage. A secret replaced earlier, still in
   * its grace, stops now: only one previous secret is kept.
   */
  async rotate(actor: Actor, id: string, graceSeconds: number): Promise<CreatedToken> {
    const row = await this.tokens.findById(id);
    if (!row || row.revoked_at !== null) throw ApiError.notFound("Token");
    if (row.kind !== "key") throw ApiError.badRequest("Portal sessions are not rotated; open a new one", "not_a_key");
    const token = newSecret();
    const now = Date.now();
    const set = {
      token_hash: sha256Hex(token),
      previous_hash: row.token_hash,
      previous_expires_at: now + graceSeconds * 1000,
      rotated_at: now,
    };
    await this.audit.run(
      actor,
      async (trx) => {
        if (!(await this.tokens.update(id, set, trx))) throw ApiError.notFound("Token");
      },
      () => ({
        action: "token.rotate",
        appId: row.app_id,
        resourceId: id,
        changes: diffFields({ rotatedAt: row.rotated_at }, { rotatedAt: now, previousExpiresAt: set.previous_expires_at }),
      }),
    );
    this.cache.clear();
    return { ...toInfo({ ...row, ...set }), token };
  }

  /** Revokes a token; `auth.logout` when a portal session ends itself. */
  async revoke(actor: Actor, id: string, action = "token.revoke"): Promise<void> {
    const row = await this.tokens.findById(id);
    const now = Date.now();
    await this.audit.run(
      actor,
      async (trx) => {
        if (!(await this.tokens.revoke(id, now, trx))) throw ApiError.notFound("Token");
      },
      () => ({
        action,
        appId: row?.app_id ?? null,
        resourceId: id,
        changes: diffFields({ name: row?.name, revokedAt: null }, { name: row?.name, revokedAt: now }),
      }),
    );
    this.cache.clear();
  }

  /** Svix's expire-all: the application's portal sessions end in `expirySeconds` (0 = now). */
  async expirePortalSessions(
    actor: Actor,
    appId: string,
    expirySeconds: number,
    sessionIds?: readonly string[],
  ): Promise<void> {
    const until = Date.now() + expirySeconds * 1000;
    await this.audit.run(
      actor,
      (trx) => this.tokens.expirePortalSessions(appId, until, sessionIds, trx),
      (count) => ({
        action: "auth.expire-all",
        appId,
        resourceId: appId,
        changes: diffFields(null, { expiresAt: until, sessions: count, sessionIds: sessionIds ?? null }),
      }),
    );
    this.cache.clear();
  }
}

/** What the audit log records of a token: its settings, never its secret or hash. */
function auditView(t: TokenInfo): Record<string, unknown> {
  return {
    name: t.name,
    kind: t.kind,
    appId: t.appId,
    scopes: t.scopes,
    readOnly: t.readOnly,
    allowedIps: t.allowedIps,
    expiresAt: t.expiresAt,
  };
}

/** Refuses an empty set, and `admin` on a key limited to one application (admin means every application). */
function checkScopes(scopes: readonly Scope[], appId: string | null): Scope[] {
  const unique = [...new Set(scopes)];
  if (unique.length === 0) throw ApiError.badRequest("A key needs at least one scope", "invalid_scopes");
  if (appId !== null && unique.includes("admin")) {
    throw ApiError.badRequest("The admin scope covers every application; it cannot be limited to one", "invalid_scopes");
  }
  return unique;
}

function cidrsJson(cidrs: readonly string[] | null | undefined): string | null {
  // An empty list would lock the key out everywhere; it means "no restriction", like null.
  if (cidrs === null || cidrs === undefined || cidrs.length === 0) return null;
  for (const c of cidrs) {
    if (!parseCidr(c)) throw ApiError.badRequest(`Not an IP address or CIDR range: ${c}`, "invalid_cidr");
  }
  return JSON.stringify(cidrs.map((c) => c.trim()));
}

function newSecret(): string {
  return `hr_${randomBytes(24).toString("base64url")}`;
}

function blankRow(name: string, hash: string): TokenRow {
  return {
    id: newId("tok"),
    name,
    token_hash: hash,
    app_id: null,
    expires_at: null,
    created_at: Date.now(),
    revoked_at: null,
    kind: "key",
    scopes: "[]",
    read_only: 0,
    allowed_cidrs: null,
    session_id: null,
    previous_hash: null,
    previous_expires_at: null,
    rotated_at: null,
    last_used_at: null,
    last_used_ip: null,
    request_count: 0,
  };
}

function parseCidrs(json: string | null): string[] | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function toPrincipal(row: TokenRow): Principal {
  return {
    tokenId: row.id,
    name: row.name,
    appId: row.app_id,
    kind: row.kind === "portal" ? "portal" : "key",
    scopes: parseScopes(row.scopes),
    readOnly: row.read_only === 1,
    allowedIps: parseCidrs(row.allowed_cidrs),
    sessionId: row.session_id,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

function toInfo(row: TokenRow): TokenInfo {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === "portal" ? "portal" : "key",
    appId: row.app_id,
    scopes: parseScopes(row.scopes),
    readOnly: row.read_only === 1,
    allowedIps: parseCidrs(row.allowed_cidrs),
    sessionId: row.session_id,
    expiresAt: n(row.expires_at),
    createdAt: Number(row.created_at),
    rotatedAt: n(row.rotated_at),
    previousExpiresAt: n(row.previous_expires_at),
    lastUsedAt: n(row.last_used_at),
    lastUsedIp: row.last_used_ip,
    requestCount: Number(row.request_count),
  };
}
