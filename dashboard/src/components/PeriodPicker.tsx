import { useId } from "react";

const LABELS = { hour: "Last hour", day: "Last day", week: "Last week", month: "Last month" } as const;

interface Props<P extends keyof typeof LABELS> {
  value: P;
  options: readonly P[];
  onChange: (value: P) => void;
}

/** A segmented control for the stats window; real radio buttons underneath for the keyboard. */
export function PeriodPicker<P extends keyof typeof LABELS>({ value, options, onChange }: Props<P>) {
  const name = useId();
  return (
    <fieldset className="inline-flex rounded-md bg-slate-100 p-0.5 text-xs">
      <legend className="sr-only">Time window</legend>
      {options.map((p) => (
        <label
          key={p}
          className={`cursor-pointer rounded px-2.5 py-1 font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${
            value === p ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"
          }`}
        >
          <input
            type="radio"
            name={name}
            value={p}
            checked={value === p}
            onChange={() => onChange(p)}
            className="sr-only"
          />
          {LABELS[p]}
        </label>
      ))}
    </fieldset>
  );
}
