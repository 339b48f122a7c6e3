import { Iso } from "../contract/common.js";
import { CIRCUIT_STATES, type EndpointOut } from "../contract/endpoints.js";
import { parseJson } from "../lib/json.js";
import { signatureSchemeOf } from "../lib/signature-schemes.js";
import { CircuitState, type EndpointRow } from "../store/schema.js";

/**
 * The API shape of a stored endpoint. The event type filter is returned under both names the
 * SDKs know (`filterTypes` in the official SDKs, `eventTypes` in the reference), and so is the
 * rate (`throttleRate`, `rateLimit`).
 *
 * @example toEndpointOut(row).filterTypes // ["invoice.paid"] or null for every type
 */
export function toEndpointOut(row: EndpointRow): EndpointOut {
  const types = parseJson<string[] | null>(row.event_types, null);
  return {
    id: row.id,
    uid: row.uid,
    url: row.url,
    description: row.description,
    disabled: row.disabled === 1,
    filterTypes: types,
    eventTypes: types,
    channels: parseJson<string[] | null>(row.channels, null),
    metadata: parseJson<Record<string, string>>(row.metadata, {}),
    throttleRate: row.throttle_rate,
    rateLimit: row.throttle_rate,
    createdAt: Iso(row.created_at),
    updatedAt: Iso(row.updated_at),
    version: 1,
    polling: row.polling === 1,
    signatureScheme: signatureSchemeOf(row.signature_scheme),
    signatureAlgorithm: row.public_key ? "ed25519" : "hmac-sha256",
    publicKey: row.public_key ?? null,
    filter: parseJson<Record<string, unknown> | null>(row.content_filter ?? null, null),
    fifo: row.fifo === 1,
    maxInFlight: row.max_in_flight,
    disableAfterFailures: row.disable_after_failures,
    circuit: {
      state: CIRCUIT_STATES[row.circuit_state] ?? "closed",
      consecutiveFailures: row.consecutive_failures,
      nextProbeAt: row.circuit_state === CircuitState.open && row.circuit_next_probe_at !== null ? Iso(row.circuit_next_probe_at) : null,
    },
  };
}
