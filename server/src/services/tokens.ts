import { randomBytes } from "node:crypto";

import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { TokensRepository } from "../store/tokens-repository.js";
import type { Actor, AuditLog } from "./audit.js";
import { diffFields } from "./audit-diff.js";

export interface Principal {
  tokenId: string;
  /** The token's name, as shown in the token list and the audit log. */
  name: string;
  /** Set for tokens limited to one application (consumer portal, scoped keys). */
  appId: string | null;
}

export interface CreatedToken {
  id: string;
  token: string;
  name: string;
  appId: string | null;
  expiresAt: number | null;
  createdAt: number;
}

const CACHE_TTL_MS = 5_000;

/**
 * Issues and checks API tokens. Only the SHA-256 of a token is stored, so a database leak
 * reveals no usable token. Lookups are cached for a few seconds because every request
 * authenticates; a revocation therefore takes effect within CACHE_TTL_MS on every instance.
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
    private readonly audit: AuditLog,
  ) {}

  /**
   * Creates a token, audited as `action` (`app-portal-access.create` for portal sessions). The
   * audit row names the token by id: neither the token nor its hash is recorded.
   */
  async create(
    actor: Actor,
    input: { name: string; appId?: string | null; ttlSeconds?: number | null },
    action = "token.create",
  ): Promise<CreatedToken> {
    const token = `hr_${randomBytes(24).toString("base64url")}`;
    const createdAt = Date.now();
    const expiresAt = input.ttlSeconds ? createdAt + input.ttlSeconds * 1000 : null;
    const id = newId("tok");
    const row = {
      id,
      name: input.name,
      token_hash: sha256Hex(token),
      app_id: input.appId ?? null,
      expires_at: expiresAt,
      created_at: createdAt,
      revoked_at: null,
    };
    await this.audit.run(
      actor,
      (trx) => this.tokens.insert(row, trx),
      () => ({
        action,
        appId: row.app_id,
        resourceId: id,
        changes: diffFields(null, { name: row.name, appId: row.app_id, expiresAt }),
      }),
    );
    return { id, token, name: input.name, appId: input.appId ?? null, expiresAt, createdAt };
  }

  /** Registers a token chosen by the operator (HOOKRELAY_ADMIN_TOKEN); a no-op when already known. */
  async ensure(token: string, name: string): Promise<void> {
    const hash = sha256Hex(token);
    if (await this.tokens.findByHash(hash)) return;
    await this.tokens.insertIfAbsent({
      id: newId("tok"),
      name,
      token_hash: hash,
      app_id: null,
      expires_at: null,
      created_at: Date.now(),
      revoked_at: null,
    });
  }

  async hasAdminToken(): Promise<boolean> {
    return (await this.tokens.countActive()) > 0;
  }

  /** The principal for a bearer token, or a 401. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw ApiError.unauthorized("Missing bearer token");
    const now = Date.now();
    let principal = this.cache.get(token, now);
    if (principal === undefined) {
      const row = await this.tokens.findByHash(sha256Hex(token));
      const valid = row && row.revoked_at === null && (row.expires_at === null || row.expires_at > now);
      principal = valid ? { tokenId: row.id, name: row.name, appId: row.app_id } : null;
      this.cache.set(token, principal, now, row?.expires_at ?? Infinity);
    }
    if (!principal) throw ApiError.unauthorized();
    return principal;
  }

  async list(limit: number, iterator?: string): Promise<{ data: Omit<CreatedToken, "token">[]; iterator: string | null; prevIterator: null; done: boolean }> {
    const rows = await this.tokens.list(limit + 1, iterator);
    const data = rows.slice(0, limit).map((r) => ({
      id: r.id,
      name: r.name,
      appId: r.app_id,
      expiresAt: r.expires_at,
      createdAt: r.created_at,
    }));
    return { data, iterator: data[data.length - 1]?.id ?? null, prevIterator: null, done: rows.length <= limit };
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
}
