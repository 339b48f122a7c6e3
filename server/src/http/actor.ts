import type { FastifyRequest } from "fastify";

import type { Actor } from "../services/principal.js";
import { principalOf } from "./auth.js";

/**
 * The caller as the audit log records it: the authenticated principal, the client address and
 * the request id. Pass it to every service method that changes state.
 *
 * @example await endpoints.patch(actorOf(req), req.params.app_id, req.params.endpoint_id, req.body)
 */
export function actorOf(request: FastifyRequest): Actor {
  return { ...principalOf(request), ip: request.ip, requestId: request.id };
}
