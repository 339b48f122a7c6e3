import type { EndpointIn, EndpointOut, SignatureAlgorithm, SignatureScheme } from "../../api/types";
import { filterText, parseFilterText } from "./contentFilterText";

/** Svix renamed eventTypes → filterTypes and throttleRate → rateLimit; read either. */
export function filterTypesOf(ep: EndpointOut): string[] {
  return ep.filterTypes ?? ep.eventTypes ?? [];
}

export function rateLimitOf(ep: EndpointOut): number | null {
  return ep.rateLimit ?? ep.throttleRate ?? null;
}

/**
 * What names an endpoint in lists and headings: its URL, or for a polling endpoint (no URL)
 * the path its reader polls.
 */
export function endpointLabel(appId: string, ep: EndpointOut): string {
  return ep.polling ? pollerPath(appId, ep.id) : ep.url;
}

/** The path a polling endpoint's reader polls (Svix's `message.poller.poll`). */
export function pollerPath(appId: string, endpointId: string): string {
  return `/api/v1/app/${appId}/poller/${endpointId}`;
}

export interface EndpointDraft {
  url: string;
  /** A polling endpoint: no URL; chosen when creating, fixed after. */
  polling: boolean;
  description: string;
  uid: string;
  filterTypes: string[];
  channels: string;
  rateLimit: string;
  /** Deliveries in flight at once; empty = the server's default. */
  maxInFlight: string;
  /** Disable after this many failed attempts in a row; empty = never on a count. */
  disableAfterFailures: string;
  /** The content filter as JSON text; empty = every payload. */
  filter: string;
  /** One delivery at a time, in message order. */
  fifo: boolean;
  disabled: boolean;
  /** The signature headers deliveries carry. */
  signatureScheme: SignatureScheme;
  /** The kind of key generated on create (sent on create only; rotations change it later). */
  signatureAlgorithm: SignatureAlgorithm;
}

/** What the dashboard calls each signature scheme and key kind. */
export const SCHEME_LABELS: Record<SignatureScheme, string> = {
  "standard-webhooks": "Standard Webhooks (webhook-signature)",
  "x-webhook-signature": "X-Webhook-Signature (t=…,v1=…)",
};
export const ALGORITHM_LABELS: Record<SignatureAlgorithm, string> = {
  "hmac-sha256": "HMAC-SHA256 (whsec_ secret)",
  ed25519: "ed25519 (public key)",
};

export function draftOf(ep?: EndpointOut): EndpointDraft {
  return {
    url: ep?.url ?? "",
    polling: ep?.polling ?? false,
    description: ep?.description ?? "",
    uid: ep?.uid ?? "",
    filterTypes: ep ? filterTypesOf(ep) : [],
    channels: (ep?.channels ?? []).join(", "),
    rateLimit: ep && rateLimitOf(ep) !== null ? String(rateLimitOf(ep)) : "",
    maxInFlight: ep?.maxInFlight ? String(ep.maxInFlight) : "",
    disableAfterFailures: ep?.disableAfterFailures ? String(ep.disableAfterFailures) : "",
    filter: filterText(ep?.filter),
    fifo: ep?.fifo ?? false,
    disabled: ep?.disabled ?? false,
    signatureScheme: ep?.signatureScheme ?? "standard-webhooks",
    signatureAlgorithm: ep?.signatureAlgorithm ?? "hmac-sha256",
  };
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The request body for a draft; empty lists become null so the endpoint receives everything.
 * The form checks the filter's text before submitting (an unparsable one would be sent as null).
 */
export function bodyOf(draft: EndpointDraft): EndpointIn {
  const channels = list(draft.channels);
  const filter = parseFilterText(draft.filter);
  return {
    ...(draft.polling ? {} : { url: draft.url.trim() }),
    description: draft.description.trim(),
    uid: draft.uid.trim() || null,
    filterTypes: draft.filterTypes.length ? draft.filterTypes : null,
    channels: channels.length ? channels : null,
    rateLimit: draft.rateLimit.trim() ? Number(draft.rateLimit) : null,
    maxInFlight: draft.maxInFlight.trim() ? Number(draft.maxInFlight) : null,
    disableAfterFailures: draft.disableAfterFailures.trim() ? Number(draft.disableAfterFailures) : null,
    filter: filter.ok ? filter.filter : null,
    ...(draft.polling ? {} : { fifo: draft.fifo }),
    disabled: draft.disabled,
    signatureScheme: draft.signatureScheme,
  };
}
