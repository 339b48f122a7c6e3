import type { Migration, MigrationProvider } from "kysely";

import * as initial from "./0001-initial.js";
import * as inbound from "./0002-inbound.js";
import * as statsCounters from "./0003-stats-counters.js";
import * as apiKeys from "./0004-api-keys.js";

/**
 * The one migration set for both engines. Listed statically (not read from the folder) so it
 * works the same from `src` under tsx and from `dist`.
 */
export const migrationProvider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    "0001-initial": initial,
    "0002-inbound": inbound,
    "0003-stats-counters": statsCounters,
    "0004-api-keys": apiKeys,
  }),
};
