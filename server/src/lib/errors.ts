/**
 * The one error type of the API. Thrown anywhere below the HTTP layer; the Fastify error
 * handler turns it into `{ code, detail }` with `status`. Codes follow Svix's (`not_found`,
 * `conflict`, …) so SDK users see familiar values.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }

  static notFound(what = "Entity"): ApiError {
    return new ApiError(404, "not_found", `${what} not found`);
  }

  static conflict(detail: string): ApiError {
    return new ApiError(409, "conflict", detail);
  }

  static badRequest(detail: string, code = "bad_request"): ApiError {
    return new ApiError(400, code, detail);
  }

  static unauthorized(detail = "Invalid token"): ApiError {
    return new ApiError(401, "authentication_failed", detail);
  }

  static forbidden(detail = "Insufficient access"): ApiError {
    return new ApiError(403, "insufficient_access", detail);
  }

  static unavailable(detail = "The database is unavailable; retry shortly"): ApiError {
    return new ApiError(503, "service_unavailable", detail, { "retry-after": "5" });
  }
}

/**
 * "Answer with this stored response": a request repeated an Idempotency-Key whose first request
 * completed, and the store found that out while writing. The HTTP error handler sends `body`
 * as stored, with `idempotent-replayed: true`, like a replay found before the handler ran.
 */
export class IdempotentReplay extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super("idempotent replay");
    this.name = "IdempotentReplay";
  }
}
