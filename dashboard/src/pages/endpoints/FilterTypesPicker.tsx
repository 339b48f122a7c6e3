import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";

import { eventTypes } from "../../api/resources";
import { Button } from "../../components/Button";
import { inputClass } from "../../components/Field";

/**
 * Event-type filter of an endpoint: tick types from the catalog, or type any name (the catalog
 * may be empty or unavailable). Nothing ticked means the endpoint receives every event type.
 */
export function FilterTypesPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const id = useId();
  const [extra, setExtra] = useState("");
  const catalog = useQuery({
    queryKey: ["event-types", "all"],
    queryFn: () => eventTypes.list({ limit: 250 }),
  });
  const names = Array.from(new Set([...(catalog.data?.data.map((t) => t.name) ?? []), ...value])).sort();

  const toggle = (name: string) =>
    onChange(value.includes(name) ? value.filter((v) => v !== name) : [...value, name]);
  const add = () => {
    const name = extra.trim();
    if (name && !value.includes(name)) onChange([...value, name]);
    setExtra("");
  };

  return (
    <fieldset>
      <legend className="mb-1 text-xs font-medium text-slate-700">Event types</legend>
      <p className="mb-2 text-xs text-slate-500">
        {value.length === 0 ? "Receives all event types." : `Receives only ${value.length} selected type(s).`}
      </p>
      {names.length > 0 && (
        <div className="mb-2 grid max-h-36 grid-cols-2 gap-1 overflow-y-auto rounded-md border border-slate-200 p-2">
          {names.map((name) => (
            <label key={name} className="flex items-center gap-2 text-xs text-slate-700">
              <input
                type="checkbox"
                className="accent-indigo-600"
                checked={value.includes(name)}
                onChange={() => toggle(name)}
              />
              <span className="font-mono">{name}</span>
            </label>
          ))}
        </div>
      )}
      <div className="flex gap-2">
        <label htmlFor={id} className="sr-only">
          Add event type
        </label>
        <input
          id={id}
          className={inputClass}
          value={extra}
          placeholder="Add an event type, e.g. order.created"
          onChange={(e) => setExtra(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
        <Button onClick={add} disabled={!extra.trim()}>
          Add
        </Button>
      </div>
    </fieldset>
  );
}
