import { AuditListQuery, AuditLogOut, AuditVerifyOut } from "../../contract/audit.js";
import { listResponse } from "../../contract/common.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";

const tags = ["Audit log"];

/**
 * `/api/v1/audit-log`: who changed what, and a check that nobody rewrote it. Scope `audit:read`;
 * a key limited to one application sees only that application's rows, and the whole-chain
 * check is for keys on every application.
 */
export const auditRoutes: RouteModule = (app, { services }) => {
  const { audit } = services;

  app.get(
    "/api/v1/audit-log",
    {
      config: { scope: "audit:read" },
      schema: {
        tags,
        operationId: "hookrelay.audit-log.list",
        summary: "List audit log entries",
        description: "Lists who changed what, filtered by application, actor, action (or an `endpoint.*` prefix), resource and time range.",
        querystring: AuditListQuery,
        response: { 200: listResponse(AuditLogOut) },
      },
    },
    async (req) => audit.list(principalOf(req), req.query),
  );

  app.get(
    "/api/v1/audit-log/verify",
    {
      config: { scope: "audit:read" },
      schema: {
        tags,
        operationId: "hookrelay.audit-log.verify",
        summary: "Verify the audit log chain",
        description: "Recomputes the audit log's hash chain and reports the first entry that does not match, if any (`firstBroken`).",
        response: { 200: AuditVerifyOut },
      },
    },
    async (req) => audit.verify(principalOf(req)),
  );
};
