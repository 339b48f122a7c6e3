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
  // Callback hooks, not async ones: these run on every request, and the common case (no key)
  // then costs no promise (ADR 23).
  app.addHook("preHandler", (request, reply, done) => {
    const header = request.headers["idempotency-key"];
    const principal = request.principal;
    if (request.method !== "POST" || typeof header !== "string" || header === "" || !principal) {
      done();
      return;
    }
    request.idempotencyKey = header;
    idempotency.find(principal, header).then((stored) => {
      if (!stored) {
        done();
        return;
      }
      request.idempotencyStored = true;
      // Answered here: the handler does not run, so done() is not called.
      sendReplay(reply, stored.statusCode, stored.body);
    }, done);
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    const key = request.idempotencyKey;
    if (!key || request.idempotencyStored || !request.principal || reply.statusCode < 200 || reply.statusCode >= 300) {
      done(null, payload);
      return;
    }
    idempotency
      .save({ principal: request.principal, key, statusCode: reply.statusCode }, typeof payload === "string" ? payload : "")
      .then(() => done(null, payload), done);
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
