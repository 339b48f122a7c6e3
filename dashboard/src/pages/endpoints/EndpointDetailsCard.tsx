import type { ReactNode } from "react";

import type { EndpointOut } from "../../api/types";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { formatDate } from "../../lib/format";
import { ALGORITHM_LABELS, filterTypesOf, rateLimitOf, SCHEME_LABELS } from "./fields";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1.5">
      <dt className="shrink-0 whitespace-nowrap text-slate-500">{label}</dt>
      <dd className="text-right text-slate-800">{children}</dd>
    </div>
  );
}

export function EndpointDetailsCard({ endpoint }: { endpoint: EndpointOut }) {
  const types = filterTypesOf(endpoint);
  const rate = rateLimitOf(endpoint);
  return (
    <Card title="Configuration">
      <dl className="divide-y divide-slate-100 text-sm">
        {endpoint.polling && <Row label="Type">Polling endpoint</Row>}
        <Row label="Event types">
          {types.length ? (
            <span className="flex flex-wrap justify-end gap-1">
              {types.map((t) => (
                <code key={t} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">
                  {t}
                </code>
              ))}
            </span>
          ) : (
            "All"
          )}
        </Row>
        <Row label="Channels">{endpoint.channels?.length ? endpoint.channels.join(", ") : "All"}</Row>
        <Row label="Rate limit">{rate ? `${rate} / s` : "Unlimited"}</Row>
        {!endpoint.polling && (
          <Row label="Delivery order">{endpoint.fifo ? "FIFO: one at a time, in message order" : "Concurrent"}</Row>
        )}
        <Row label="In flight at most">{endpoint.maxInFlight ?? "Server default"}</Row>
        <Row label="Disable after">
          {endpoint.disableAfterFailures ? `${endpoint.disableAfterFailures} failures in a row` : "—"}
        </Row>
        {!endpoint.polling && (
          <>
            <Row label="Signature format">{SCHEME_LABELS[endpoint.signatureScheme]}</Row>
            <Row label="Signing algorithm">{ALGORITHM_LABELS[endpoint.signatureAlgorithm]}</Row>
          </>
        )}
        {endpoint.publicKey && (
          <Row label="Public key">
            <span className="flex items-center justify-end gap-2">
              <code
                className="max-w-40 truncate rounded bg-slate-100 px-1.5 py-0.5 text-xs"
                title={endpoint.publicKey}
                data-public-key
              >
                {endpoint.publicKey}
              </code>
              <CopyButton text={endpoint.publicKey} />
            </span>
          </Row>
        )}
        <Row label="Content filter">
          {endpoint.filter ? (
            // Compact: the card is narrow; the edit form shows it indented.
            <code data-content-filter className="block break-all rounded bg-slate-100 px-1.5 py-0.5 text-left font-mono text-xs">
              {JSON.stringify(endpoint.filter)}
            </code>
          ) : (
            "None (every payload)"
          )}
        </Row>
        <Row label="UID">{endpoint.uid ?? "—"}</Row>
        <Row label="Created">{formatDate(endpoint.createdAt)}</Row>
        <Row label="Updated">{formatDate(endpoint.updatedAt)}</Row>
      </dl>
    </Card>
  );
}
