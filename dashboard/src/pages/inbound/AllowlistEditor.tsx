import { Button } from "../../components/Button";
import { inputClass } from "../../components/Field";

/** One CIDR or address a row; no rows means any address may send. */
export function AllowlistEditor({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">IP allowlist</legend>
      <p className="text-xs text-slate-500">
        Addresses or CIDR ranges allowed to send (e.g. 203.0.113.0/24). None: any address.
      </p>
      {value.map((cidr, i) => (
        <div key={i} className="flex gap-2">
          <input
            aria-label={`Allowed range ${i + 1}`}
            className={`${inputClass} font-mono text-xs`}
            value={cidr}
            placeholder="203.0.113.0/24"
            onChange={(e) => onChange(value.map((c, j) => (j === i ? e.target.value : c)))}
          />
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Remove allowed range ${i + 1}`}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            ✕
          </Button>
        </div>
      ))}
      <Button size="sm" onClick={() => onChange([...value, ""])}>
        Add range
      </Button>
    </fieldset>
  );
}
