import { Button } from "../../components/Button";
import { inputClass } from "../../components/Field";

export interface HeaderRow {
  key: number;
  name: string;
  value: string;
}

/** Editable name/value rows; sensitive headers (e.g. Authorization) come back masked. */
export function HeaderRows({
  rows,
  onChange,
  sensitive,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  sensitive: string[];
}) {
  const update = (key: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const nextKey = rows.reduce((m, r) => Math.max(m, r.key), -1) + 1;
  return (
    <div className="space-y-2">
      {rows.length === 0 && <p className="text-xs text-slate-500">No custom headers.</p>}
      {rows.map((row, i) => (
        <div key={row.key} className="flex gap-2">
          <input
            aria-label={`Header ${i + 1} name`}
            className={`${inputClass} font-mono text-xs`}
            value={row.name}
            placeholder="X-Custom-Header"
            onChange={(e) => update(row.key, { name: e.target.value })}
          />
          <input
            aria-label={`Header ${i + 1} value`}
            className={`${inputClass} font-mono text-xs`}
            value={row.value}
            placeholder={
              sensitive.some((s) => s.toLowerCase() === row.name.trim().toLowerCase())
                ? "hidden — type to replace"
                : "value"
            }
            onChange={(e) => update(row.key, { value: e.target.value })}
          />
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Remove header ${row.name || i + 1}`}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            ✕
          </Button>
        </div>
      ))}
      <Button size="sm" onClick={() => onChange([...rows, { key: nextKey, name: "", value: "" }])}>
        Add header
      </Button>
    </div>
  );
}
