import type { Migration, MigrationProvider } from "kysely";

import type { Keyring } from "../../lib/keyring.js";
import * as initial from "./0001-initial.js";
import * as inbound from "./0002-inbound.js";
import * as statsCounters from "./0003-stats-counters.js";
import * as apiKeys from "./0004-api-keys.js";
import { sealSecrets } from "./0005-seal-secrets.js";
import * as auditLog from "./0006-audit-log.js";
import * as inboundReprocess from "./0007-inbound-reprocess.js";
import * as endpointCircuit from "./0008-endpoint-circuit.js";
import * as backgroundTasks from "./0010-background-tasks.js";
import * as retryPolicies from "./0011-retry-policies.js";
import * as pollingEndpoints from "./0012-polling-endpoints.js";
import * as workerHeartbeats from "./0013-worker-heartbeats.js";
import * as endpointTransformations from "./0014-endpoint-transformations.js";
import * as endpointContentFilter from "./0015-endpoint-content-filter.js";
import * as fifoEndpoints from "./0016-fifo-endpoints.js";
import * as signatureSchemes from "./0017-signature-schemes.js";
import * as ingestSources from "./0018-ingest-sources.js";
import * as taskResults from "./0019-task-results.js";
import * as workerFanout from "./0020-worker-fanout.js";

/**
 * The one migration set for both engines. Listed statically (not read from the folder) so it
 * works the same from `src` under tsx and from `dist`. Built with the data keyring, which
 * 0005 seals existing rows with.
 */
export const migrationProvider = (keyring: Keyring | undefined): MigrationProvider => ({
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    "0001-initial": initial,
    "0002-inbound": inbound,
    "0003-stats-counters": statsCounters,
    "0004-api-keys": apiKeys,
    "0005-seal-secrets": sealSecrets(keyring),
    "0006-audit-log": auditLog,
    "0007-inbound-reprocess": inboundReprocess,
    "0008-endpoint-circuit": endpointCircuit,
    "0010-background-tasks": backgroundTasks,
    "0011-retry-policies": retryPolicies,
    "0012-polling-endpoints": pollingEndpoints,
    "0013-worker-heartbeats": workerHeartbeats,
    "0014-endpoint-transformations": endpointTransformations,
    "0015-endpoint-content-filter": endpointContentFilter,
    "0016-fifo-endpoints": fifoEndpoints,
    "0017-signature-schemes": signatureSchemes,
    "0018-ingest-sources": ingestSources,
    "0019-task-results": taskResults,
    "0020-worker-fanout": workerFanout,
  }),
});
