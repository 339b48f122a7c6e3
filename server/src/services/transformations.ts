import { createHash } from "node:crypto";

import { Iso } from "../contract/common.js";
import type {
  EndpointTransformationOut,
  EndpointTransformationPatch,
  TransformationSimulateIn,
  TransformationSimulateOut,
} from "../contract/transformations.js";
import { ApiError } from "../lib/errors.js";
import type { TransformationSandbox } from "../lib/transformation-sandbox.js";
import type { TransformationsRepository } from "../store/transformations-repository.js";
import type { AuditLog } from "./audit-log.js";
import type { EndpointService } from "./endpoints.js";
import type { Actor, Principal } from "./principal.js";

/**
 * Endpoint transformations (Svix's `…/endpoint/{id}/transformation`, ADR 16): the handler code
 * and its switch, and a test run of code on a payload in the same sandbox the worker uses.
 * Ingest endpoints are ordinary endpoints of their source's application, so the ingest routes
 * call the same methods with that application's id.
 *
 * @example await transformations.patch(actor, "acme", "ep_…", { code: "function handler(w) { return w }", enabled: true })
 */
export class TransformationService {
  constructor(
    private readonly endpoints: Pick<EndpointService, "resolve">,
    private readonly repo: TransformationsRepository,
    private readonly audit: AuditLog,
    private readonly sandbox: TransformationSandbox,
  ) {}

  async get(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
  ): Promise<EndpointTransformationOut> {
    const { endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    const row = await this.repo.get(endpoint.id);
    return {
      code: row?.code ?? null,
      enabled: row?.enabled === 1,
      updatedAt: row ? Iso(row.updated_at) : null,
    };
  }

  /**
   * Sets or unsets the code (null removes it) and/or the switch; what the input leaves out is
   * kept. Audited as `endpoint.transformation.update` with the code's hash and length, not the
   * code itself, so the audit log stays small.
   */
  async patch(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointTransformationPatch,
  ): Promise<void> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    await this.audit.run(
      actor,
      async (trx) => {
        const before = await this.repo.get(endpoint.id, trx);
        const after = {
          endpoint_id: endpoint.id,
          code: input.code !== undefined ? input.code : (before?.code ?? null),
          enabled: input.enabled !== undefined ? (input.enabled ? 1 : 0) : (before?.enabled ?? 0),
          updated_at: Date.now(),
        };
        await this.repo.put(after, trx);
        return { before, after };
      },
      ({ before, after }) => ({
        action: "endpoint.transformation.update",
        appId: app.id,
        resourceId: endpoint.id,
        changes: {
          transformation: {
            before: before ? summary(before.code, before.enabled) : null,
            after: summary(after.code, after.enabled),
          },
        },
      }),
    );
  }

  /**
   * Runs `code` on a payload as the worker would for this endpoint, and answers what would be
   * sent. A handler that fails (throws, times out, runs out of memory, returns a bad shape)
   * answers 422 with the reason, which is what the attempt log would show.
   */
  async simulate(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: TransformationSimulateIn,
  ): Promise<TransformationSimulateOut> {
    const { endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    // Its own cache key: a test run never shares state with the worker's copy of the handler.
    const result = await this.sandbox.run(`simulate:${endpoint.id}`, input.code, {
      method: "POST",
      url: endpoint.url,
      eventType: input.eventType,
      payload: JSON.stringify(input.payload),
    });
    if (!result.ok) {
      throw new ApiError(422, `transformation_${result.kind}`, `Transformation failed: ${result.message}`);
    }
    const { url, payload, method, cancel, eventType, headers } = result.webhook;
    return { url, payload, method, cancel, eventType, headers };
  }
}

function summary(
  code: string | null,
  enabled: number,
): { enabled: boolean; codeSha256: string | null; codeLength: number } {
  return {
    enabled: enabled === 1,
    codeSha256: code === null ? null : createHash("sha256").update(code).digest("hex"),
    codeLength: code?.length ?? 0,
  };
}
