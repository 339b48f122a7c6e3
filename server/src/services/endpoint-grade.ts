import { ApiError } from "../lib/errors.js";
import type { Keyring } from "../lib/keyring.js";
import type { GradeReport } from "../lib/receiver-grade.js";
import { signatureSchemeOf } from "../lib/signature-schemes.js";
import type { AuditLog } from "./audit-log.js";
import { openHeaders } from "./endpoint-headers.js";
import type { EndpointService } from "./endpoints.js";
import type { Actor } from "./principal.js";

/**
 * Sends the grader's deliveries to `url` and grades the answers: `gradeReceiver` from
 * `delivery/receiver-grader.ts` with the SSRF-guarded client and the configured bounds, passed in
 * by main.ts (services may not import delivery). Rejects with an error whose `code` is "ESSRF"
 * when the address is refused.
 *
 * @example const port: GradeReceiver = (t) => gradeReceiver(client, { ...t, requestTimeoutMs: 5000, totalTimeoutMs: 30000 });
 */
export type GradeReceiver = (target: {
  url: string;
  secret: string;
  headers: Record<string, string>;
}) => Promise<GradeReport>;

/**
 * Grades an endpoint's receiver against Standard Webhooks (ADR 15): the requests go to the
 * endpoint's URL, signed with its current secret, carrying its custom headers. One run per
 * endpoint at a time in this process. Each run that sent requests on the tenant's behalf is
 * audited as `endpoint.grade`, with its score.
 *
 * @example const report = await grades.grade(actor, "acme", "ep_…"); report.percent // 78
 */
export class EndpointGradeService {
  private readonly running = new Set<string>();

  constructor(
    private readonly endpoints: EndpointService,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly send: GradeReceiver | undefined,
  ) {}

  async grade(actor: Actor, appIdOrUid: string, endpointIdOrUid: string): Promise<GradeReport> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    if (!this.send) {
      throw new ApiError(
        503,
        "grading_unavailable",
        "This process cannot send grading requests; use a process started with `hookrelay start`.",
      );
    }
    // The cases are Standard Webhooks HMAC cases (a v1a-only delivery is one a receiver must
    // refuse): for an ed25519 or X-Webhook-Signature endpoint they would grade the wrong thing.
    if (endpoint.public_key || signatureSchemeOf(endpoint.signature_scheme) !== "standard-webhooks") {
      throw new ApiError(
        422,
        "grading_unsupported_scheme",
        "The grader sends Standard Webhooks HMAC (v1) deliveries; this endpoint signs with ed25519 or X-Webhook-Signature, which it does not grade yet.",
      );
    }
    if (this.running.has(endpoint.id)) {
      throw ApiError.conflict("A grading run for this endpoint is already in progress; wait for its report.");
    }
    this.running.add(endpoint.id);
    try {
      const report = await this.send({
        url: endpoint.url,
        secret: this.keyring.open(endpoint.secret),
        headers: openHeaders(this.keyring, endpoint.headers),
      });
      // Recorded with its score once the requests went out; a run the SSRF guard refused sent
      // nothing and leaves no row, like any other refused request.
      return await this.audit.run(
        actor,
        async () => report,
        () => ({
          action: "endpoint.grade",
          appId: app.id,
          resourceId: endpoint.id,
          changes: {
            grade: { before: null, after: { url: report.url, passed: report.passed, total: report.total } },
          },
        }),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === "ESSRF") {
        throw new ApiError(422, "endpoint_address_refused", `Grading not sent: ${(error as Error).message}.`);
      }
      throw error;
    } finally {
      this.running.delete(endpoint.id);
    }
  }
}
