import type { Migration, MigrationProvider } from "kysely";

import * as initial from "./0001-initial.js";
import * as inbound from "./0002-inbound.js";
import * as statsCounters from "./0003-stats-counters.js";
import * as auditLog from "./0006-audit-log.js";

/**
 * The one migration set for both engines. Listed statically (not read from the folder) so it
 * works the same from `src` under tsx and from `dist`.
 */
export const migrationProvider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    "0001-initial": initial,
    "0002-inbound": inbound,
    "0003-stats-counters": statsCounters,
    "0006-audit-log": auditLog,
  }),
};
