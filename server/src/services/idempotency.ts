import { sha256Hex } from "../lib/hash.js";
import { stringifyWithRawJson } from "../lib/raw-json.js";
import type { IdempotencyRepository } from "../store/idempotency-repository.js";
import type { IdempotencyRow } from "../store/schema.js";
import type { Principal } from "./principal.js";

/**
 * An `Idempotency-Key` as its request carried it: who sent it, the key as written, and the
 * status the response is answered with (stored with the body, replayed with it).
 *
 * @example const key: IdempotencyKey = { principal, key: "idem_123", statusCode: 202 };
 */
export interface IdempotencyKey {
  principal: Principal;
  key: string;
  statusCode: number;
}

/** A response stored under a key: replayed byte for byte. */
export interface StoredResponse {
  statusCode: number;
  body: string;
}

/**
 * Idempotency for every POST, in one place (as svix's `core/idempotency.rs`). A request repeating
 * a key already answered with 2xx, by the same token within the TTL, gets the stored response
 * again. Records are keyed by the hash of (token id, key), so a stored response is only ever
 * replayed to the token that made the request; their bodies are sealed at rest by the repository.
 *
 * Two ways to store a response:
 * - {@link IdempotencyService.save} once the response is known (most POSTs);
 * - {@link IdempotencyService.record} for a use case that commits the record in the same
 *   transaction as its data (message create, inbound re-process), so a crash cannot commit a
 *   message without its key, and concurrent requests with one key make one message.
 *
 * @example
 * const stored = await idempotency.find(principal, "idem_123");
 * if (!stored) await idempotency.save({ principal, key: "idem_123", statusCode: 200 }, JSON.stringify(out));
 */
export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepository,
    /** How long a stored response is replayed (HOOKRELAY_IDEMPOTENCY_TTL_SECONDS). */
    private readonly ttlSeconds: number,
  ) {}

  /** The live response stored for this token's key, if any. */
  async find(principal: Principal, key: string): Promise<StoredResponse | undefined> {
    const row = await this.repo.find(idempotencyHash(principal.tokenId, key), Date.now());
    return row ? { statusCode: row.status_code, body: row.body } : undefined;
  }

  /** Stores a response (its body already serialized) unless one is stored under the key. */
  async save(key: IdempotencyKey, body: string): Promise<void> {
    await this.repo.save(this.row(key, body));
  }

  /**
   * The record of `body` under `key`, for a use case to commit with its own rows; undefined when
   * the request carried no key.
   *
   * @example await writer.submit({ message, idempotency: idempotency.record(options.idempotency, out) });
   */
  record<T>(
    key: IdempotencyKey | undefined,
    body: T,
    serialize: (body: T) => string = stringifyWithRawJson,
  ): IdempotencyRow | undefined {
    // As the route's serializer writes it (payloads verbatim), so a replay is byte for byte.
    return key ? this.row(key, serialize(body)) : undefined;
  }

  private row(key: IdempotencyKey, body: string): IdempotencyRow {
    const now = Date.now();
    return {
      key: idempotencyHash(key.principal.tokenId, key.key),
      status_code: key.statusCode,
      body,
      created_at: now,
      expires_at: now + this.ttlSeconds * 1000,
    };
  }
}

/**
 * The stored key: a token's keys never collide with another token's, and the key as written is
 * not kept.
 *
 * @example idempotencyHash("tok_…", "idem_123") // 64 hex characters
 */
export function idempotencyHash(tokenId: string, key: string): string {
  return sha256Hex(`${tokenId}\n${key}`);
}
