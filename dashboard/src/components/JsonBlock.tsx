import { prettyJson } from "../lib/format";

export function JsonBlock({
  value,
  label,
  maxHeight = "max-h-96",
}: {
  value: unknown;
  label: string;
  maxHeight?: string;
}) {
  const text = value === "" || value === undefined || value === null ? "(empty)" : prettyJson(value);
  return (
    <pre
      aria-label={label}
      tabIndex={0}
      className={`${maxHeight} overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100`}
    >
      {text}
    </pre>
  );
}
