import { AuditListQuery, AuditLogOut, AuditVerifyOut } from "../../api/audit.js";
import { listResponse } from "../../api/common.js";
import { requireAdmin } from "../../services/applications.js";
import { principalOf } from "../auth.js";
import type { RouteModule } from "../route-module.js";

const tags = ["Audit log"];

/**
 * `/api/v1/audit-log`: who changed what, and a check that nobody rewrote it. Unscoped tokens
 * only for now (the service also confines an app-scoped principal to its application's rows).
 */
export const auditRoutes: RouteModule = (app, { services }) => {
  const { audit } = services;

  app.get(
    "/api/v1/audit-log",
    {
      schema: {
        tags,
        operationId: "hookrelay.audit-log.list",
        querystring: AuditListQuery,
        response: { 200: listResponse(AuditLogOut) },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      requireAdmin(principal);
      return audit.list(principal, req.query);
    },
  );

  app.get(
    "/api/v1/audit-log/verify",
    { schema: { tags, operationId: "hookrelay.audit-log.verify", response: { 200: AuditVerifyOut } } },
    async (req) => {
      requireAdmin(principalOf(req));
      return audit.verify();
    },
  );
};
