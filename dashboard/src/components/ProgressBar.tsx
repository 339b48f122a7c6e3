/** A determinate progress bar: `value` of `max`, announced to screen readers with `label`. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const share = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      className="h-2 overflow-hidden rounded bg-slate-100"
    >
      <div className="h-full bg-indigo-500 transition-all" style={{ width: `${share * 100}%` }} />
    </div>
  );
}
