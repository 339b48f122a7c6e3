import type { EndpointOut } from "../../api/types";
import { formatDate, formatRelative } from "../../lib/format";

const TONES: Record<EndpointOut["circuit"]["state"], string> = {
  closed: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  open: "bg-red-50 text-red-700 ring-red-600/20",
  "half-open": "bg-amber-50 text-amber-800 ring-amber-600/20",
};

const LABELS: Record<EndpointOut["circuit"]["state"], string> = {
  closed: "Circuit closed",
  open: "Circuit open",
  "half-open": "Circuit half-open",
};

/**
 * The endpoint's circuit breaker: a badge, and what it means now — when an open circuit sends
 * its probe, that a half-open one has its probe out, or the failures in a row of a closed one.
 */
export function CircuitBadge({ circuit }: { circuit: EndpointOut["circuit"] }) {
  const detail =
    circuit.state === "open"
      ? `deliveries wait; next probe ${formatDate(circuit.nextProbeAt)} (${formatRelative(circuit.nextProbeAt)})`
      : circuit.state === "half-open"
        ? "one probe delivery in flight"
        : circuit.consecutiveFailures > 0
          ? `${circuit.consecutiveFailures} failed in a row`
          : null;
  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-circuit={circuit.state}>
      <span
        title={`${circuit.consecutiveFailures} consecutive failed attempts`}
        className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[circuit.state]}`}
      >
        {LABELS[circuit.state]}
      </span>
      {detail && <span className="text-xs text-slate-500">{detail}</span>}
    </span>
  );
}
