import type { EndpointHeaders } from "../contract/endpoints.js";
import { parseJson } from "../lib/json.js";
import type { EndpointRow } from "../store/schema.js";
import { diffFields, fingerprint, maskValues } from "./audit-diff.js";
import type { AuditEntry } from "./audit-log.js";

/**
 * The audit row of an endpoint change from `before` to `after` (null: absent). `open` unseals
 * sealed values (the signing secret, recorded only as a fingerprint, and the headers, whose
 * values are masked and names kept).
 *
 * @example endpointAuditEntry("endpoint.update", row, next, (s) => keyring.open(s))
 */
export function endpointAuditEntry(
  action: string,
  before: EndpointRow | null,
  after: EndpointRow | null,
  open: (sealed: string) => string,
): AuditEntry {
  const row = (after ?? before)!;
  const view = (r: EndpointRow | null): Record<string, unknown> | null =>
    r && {
      uid: r.uid,
      url: r.url,
      description: r.description,
      disabled: r.disabled === 1,
      filterTypes: parseJson<string[] | null>(r.event_types, null),
      channels: parseJson<string[] | null>(r.channels, null),
      metadata: parseJson<Record<string, string>>(r.metadata, {}),
      throttleRate: r.throttle_rate,
      maxInFlight: r.max_in_flight,
      disableAfterFailures: r.disable_after_failures,
      signatureScheme: r.signature_scheme ?? null,
      // Public (its change shows a rotation to or from ed25519); the secret itself only as a fingerprint.
      publicKey: r.public_key ?? null,
      filter: parseJson<Record<string, unknown> | null>(r.content_filter ?? null, null),
      fifo: r.fifo === 1,
      secret: open(r.secret),
      headers: parseJson<EndpointHeaders>(open(r.headers), {}),
    };
  return {
    action,
    appId: row.app_id,
    resourceId: row.id,
    changes: diffFields(view(before), view(after), { secret: fingerprint, headers: maskValues }),
  };
}
