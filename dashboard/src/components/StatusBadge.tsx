import { STATUS_LABELS, statusName } from "../lib/status";

const TONES: Record<string, string> = {
  success: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  accepted: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  enabled: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  sending: "bg-sky-50 text-sky-700 ring-sky-600/20",
  duplicate: "bg-slate-100 text-slate-700 ring-slate-500/20",
  disabled: "bg-slate-100 text-slate-700 ring-slate-500/20",
  fail: "bg-red-50 text-red-700 ring-red-600/20",
  rejected: "bg-red-50 text-red-700 ring-red-600/20",
};

/** A status pill: Svix status numbers or names, inbound verdicts, enabled/disabled. */
export function StatusBadge({
  status,
  label,
}: {
  status: number | string | null | undefined;
  label?: string;
}) {
  const name = statusName(status);
  return (
    <span
      data-status={name}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[name] ?? TONES.duplicate}`}
    >
      {label ?? STATUS_LABELS[name] ?? name}
    </span>
  );
}

/** The HTTP status code of an attempt, coloured by class. */
export function HttpCode({ code }: { code: number | null | undefined }) {
  if (code === null || code === undefined || code === 0) return <span className="text-slate-400">—</span>;
  const tone = code < 300 ? "text-emerald-700" : code < 500 ? "text-amber-700" : "text-red-700";
  return <span className={`font-mono text-xs font-semibold ${tone}`}>{code}</span>;
}
