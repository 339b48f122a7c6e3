import { z } from "zod";

import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";

const tags = ["Backup"];

const Document = z.record(z.string(), z.unknown()).meta({
  description: "A backup as `hookrelay export` writes it: `format`, `version`, `createdAt`, `secrets`, `keyIds`, `tables`.",
  example: { format: "hookrelay-backup", version: 1, createdAt: "2026-01-15T09:30:00Z", secrets: "sealed", keyIds: ["1a2b3c4d"], tables: { applications: [] } },
});

const BackupOut = z.object({
  format: z.literal("hookrelay-backup"),
  version: z.number().int(),
  createdAt: z.string(),
  secrets: z.enum(["sealed", "omitted"]),
  keyIds: z.array(z.string()),
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});

const ImportReport = z.object({
  tables: z.record(z.string(), z.number()),
  secrets: z.enum(["sealed", "omitted"]),
  notes: z.array(z.string()),
});

/** `hookrelay export` / `import` over HTTP, for an admin key (ADR 21). */
export const backupRoutes: RouteModule = (app, { services }) => {
  app.post(
    "/api/v1/backup/export",
    {
      config: { scope: "admin" },
      schema: {
        tags,
        operationId: "hookrelay.backup.export",
        summary: "Export the configuration",
        description:
          "The configuration as `hookrelay export` writes it: applications, endpoints, event types, sources, retry policies and operational-webhook endpoints, secrets sealed (or left out with `omitSecrets`). Audited (`backup.export`): the document carries every sealed secret.",
        body: z.object({ omitSecrets: z.boolean().default(false) }),
        response: { 200: BackupOut },
      },
    },
    async (req) => services.backup.exportAudited(actorOf(req), { omitSecrets: req.body.omitSecrets }),
  );

  app.post(
    "/api/v1/backup/import",
    {
      config: { scope: "admin" },
      schema: {
        tags,
        operationId: "hookrelay.backup.import",
        summary: "Restore a configuration backup",
        description:
          "Restores a backup into an empty instance in one transaction, as `hookrelay import` does: 409 when the instance has configuration (unless `force=true`), 400 for a newer format version, unknown columns or secrets this key ring cannot open. Bounded by `HOOKRELAY_BODY_LIMIT_BYTES`; use the command line for larger backups.",
        querystring: z.object({ force: z.enum(["true", "false"]).default("false") }),
        body: Document,
        response: { 200: ImportReport },
      },
    },
    async (req) => services.backup.import(actorOf(req), req.body, { force: req.query.force === "true" }),
  );
};
