import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

import { isDatabaseUnavailable } from "../lib/db-errors.js";
import { ApiError, IdempotentReplay } from "../lib/errors.js";
import { sendReplay } from "./idempotency.js";

const VALIDATION_LOCATION: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "path",
  headers: "header",
};

/**
 * The one place errors become responses. ApiError keeps its status; request validation becomes
 * Svix's 422 `{ detail: [{ loc, msg, type }] }`; Fastify's own client errors (bad JSON, wrong
 * content type, body too large) keep their 4xx with a `{ code, detail }` body; a lost database
 * connection is a 503 the client may retry; an idempotency race lost in the store replays the
 * winner's response; anything else is a logged 500.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof IdempotentReplay) {
    request.idempotencyStored = true;
    void sendReplay(reply, error.statusCode, error.body);
    return;
  }
  if (error instanceof ApiError) {
    void reply.code(error.status).headers(error.headers).send({ code: error.code, detail: error.detail });
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = VALIDATION_LOCATION[error.validationContext ?? "body"] ?? "body";
    const detail = error.validation.flatMap((v) => {
      const loc = [where, ...v.instancePath.split("/").filter(Boolean)];
      // An unknown field is reported once per key, at the key, so clients see which one.
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === "unrecognized_keys" && Array.isArray(keys)) {
        return keys.map((k) => ({ loc: [...loc, String(k)], msg: "unknown field", type: "value_error.unrecognized_keys" }));
      }
      return [{ loc, msg: v.message ?? "invalid value", type: `value_error.${v.keyword}` }];
    });
    void reply.code(422).send({ detail });
    return;
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, "database unavailable");
    const e = ApiError.unavailable();
    void reply.code(e.status).headers(e.headers).send({ code: e.code, detail: e.detail });
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    void reply.code(status).send({ code: clientErrorCode(error), detail: error.message });
    return;
  }
  request.log.error({ err: error }, "unhandled error");
  void reply.code(500).send({ code: "internal_error", detail: "Internal server error" });
}

function clientErrorCode(error: FastifyError): string {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "payload_too_large";
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return "unsupported_media_type";
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "invalid_json";
    default:
      return "bad_request";
  }
}

/** 404 for unknown routes, in the same shape as every other error. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ code: "not_found", detail: `No route for ${request.method} ${request.url.split("?")[0]}` });
}
