import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import type { IdempotencyKey, IdempotencyService } from "../services/idempotency.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The Idempotency-Key header as sent, when the request carried one and a token. */
    idempotencyKey?: string;
    /** The response is already stored (or is a replay): not stored again when sent. */
    idempotencyStored?: boolean;
  }
}

/**
 * Wires {@link IdempotencyService} into every POST: a request repeating a key already answered
 * with 2xx (per token, within the TTL) gets the stored response again, byte for byte, with
 * `idempotent-replayed: true`; any other 2xx answer is stored when it is sent. Routes on the hot
 * path (message create, inbound re-process) hand the key to their use case instead
 * ({@link idempotencyKeyOf}), which stores the record in the transaction of its data.
 *
 * @example registerIdempotency(app, services.idempotency);
 */
export function registerIdempotency(app: FastifyInstance, idempotency: IdempotencyService): void {
  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST") return;
    const header = request.headers["idempotency-key"];
    const principal = request.principal;
    if (typeof header !== "string" || header === "" || !principal) return;
    request.idempotencyKey = header;
    const stored = await idempotency.find(principal, header);
    if (stored) {
      request.idempotencyStored = true;
      await sendReplay(reply, stored.statusCode, stored.body);
      return reply;
    }
    return undefined;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || request.idempotencyStored || !request.principal) return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    await idempotency.save(
      { principal: request.principal, key, statusCode: reply.statusCode },
      typeof payload === "string" ? payload : "",
    );
    return payload;
  });
}

/**
 * The stored response of an earlier request with the same key, byte for byte.
 *
 * @example void sendReplay(reply, 202, stored.body);
 */
export function sendReplay(reply: FastifyReply, statusCode: number, body: string): FastifyReply {
  return reply
    .code(statusCode)
    .header("content-type", "application/json; charset=utf-8")
    .header("idempotent-replayed", "true")
    .send(body);
}

/**
 * The request's key for a use case that stores its response itself, in its own transaction
 * (answered with `statusCode`); the response is then not stored again when sent. Undefined
 * when the request carried no key.
 *
 * @example await services.messages.create(actorOf(req), appId, req.body, { idempotency: idempotencyKeyOf(req, 202) });
 */
export function idempotencyKeyOf(request: FastifyRequest, statusCode: number): IdempotencyKey | undefined {
  if (!request.idempotencyKey || !request.principal) return undefined;
  request.idempotencyStored = true;
  return { principal: request.principal, key: request.idempotencyKey, statusCode };
}
