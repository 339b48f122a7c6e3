import { Button } from "../../components/Button";
import { inputClass } from "../../components/Field";
import type { LimitRow } from "./source-config";

interface Props {
  mode: "default" | "custom";
  rows: LimitRow[];
  onChange: (mode: "default" | "custom", rows: LimitRow[]) => void;
}

/** The provider's documented limits, or windows of "N requests per S seconds" (all must hold). */
export function RateLimitEditor({ mode, rows, onChange }: Props) {
  const update = (key: number, patch: Partial<LimitRow>) =>
    onChange(
      mode,
      rows.map((r) => (r.key === key ? { ...r, ...patch } : r)),
    );
  const nextKey = rows.reduce((m, r) => Math.max(m, r.key), -1) + 1;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">Rate limits</legend>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={mode === "custom"}
          onChange={(e) => onChange(e.target.checked ? "custom" : "default", rows)}
        />
        Set my own limits (otherwise the provider's documented limits apply)
      </label>
      {mode === "custom" && (
        <>
          {rows.length === 0 && (
            <p className="text-xs text-slate-500">No windows: requests are not limited.</p>
          )}
          {rows.map((row, i) => (
            <div key={row.key} className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
              <div className="w-20">
                <input
                  aria-label={`Rate limit ${i + 1} requests`}
                  className={`${inputClass} tabular-nums`}
                  inputMode="numeric"
                  value={row.points}
                  placeholder="100"
                  onChange={(e) => update(row.key, { points: e.target.value })}
                />
              </div>
              <span>requests per</span>
              <div className="w-20">
                <input
                  aria-label={`Rate limit ${i + 1} seconds`}
                  className={`${inputClass} tabular-nums`}
                  inputMode="numeric"
                  value={row.seconds}
                  placeholder="60"
                  onChange={(e) => update(row.key, { seconds: e.target.value })}
                />
              </div>
              <span>seconds</span>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove rate limit ${i + 1}`}
                onClick={() =>
                  onChange(
                    mode,
                    rows.filter((r) => r.key !== row.key),
                  )
                }
              >
                ✕
              </Button>
            </div>
          ))}
          <Button
            size="sm"
            onClick={() => onChange(mode, [...rows, { key: nextKey, points: "", seconds: "" }])}
          >
            Add window
          </Button>
        </>
      )}
    </fieldset>
  );
}
