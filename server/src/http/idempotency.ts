import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { sha256Hex } from "../lib/hash.js";
import type { IdempotencyRepository } from "../store/idempotency-repository.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Hash of (token, Idempotency-Key) when the request carried one. */
    idempotencyKey?: string;
    /** Set by a route that stored its response itself, inside its own transaction. */
    idempotencyStored?: boolean;
  }
}

/**
 * Idempotency for every POST: a request repeating a key already answered with 2xx (per token,
 * within the TTL) gets the stored response again, byte for byte, with `idempotent-replayed: true`.
 * Routes on the hot path (message create) store the record in their own transaction so a crash
 * cannot commit the message without its key; others are stored when the response is sent.
 */
export function registerIdempotency(
  app: FastifyInstance,
  repo: IdempotencyRepository,
  ttlSeconds: number,
): void {
  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    const header = request.headers["idempotency-key"];
    const principal = request.principal;
    if (typeof header !== "string" || header === "" || !principal) return;
    request.idempotencyKey = idempotencyHash(principal.tokenId, header);
    const stored = await repo.find(request.idempotencyKey, Date.now());
    if (stored) {
      request.idempotencyStored = true;
      await sendReplay(reply, stored.status_code, stored.body);
      return reply;
    }
    return undefined;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || request.idempotencyStored) return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const now = Date.now();
    await repo.save({
      key,
      status_code: reply.statusCode,
      body: typeof payload === "string" ? payload : "",
      created_at: now,
      expires_at: now + ttlSeconds * 1000,
    });
    return payload;
  });
}

/** The stored response of an earlier request with the same key, byte for byte. */
export function sendReplay(reply: FastifyReply, statusCode: number, body: string): FastifyReply {
  return reply
    .code(statusCode)
    .header("content-type", "application/json; charset=utf-8")
    .header("idempotent-replayed", "true")
    .send(body);
}

export function idempotencyHash(tokenId: string, key: string): string {
  return sha256Hex(`${tokenId}\n${key}`);
}

export function idempotencyRecord(request: FastifyRequest, ttlSeconds: number, statusCode: number, body: unknown) {
  if (!request.idempotencyKey) return undefined;
  const now = Date.now();
  request.idempotencyStored = true;
  return {
    key: request.idempotencyKey,
    status_code: statusCode,
    body: JSON.stringify(body),
    created_at: now,
    expires_at: now + ttlSeconds * 1000,
  };
}
