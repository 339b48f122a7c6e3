import type { HeaderRow } from "./HeaderRows";

export interface HeadersPatch {
  headers: Record<string, string>;
  deleteHeaders: string[];
}

/**
 * The PATCH that turns the stored headers into the edited rows. Sensitive headers come back
 * masked, so the form shows them empty: an empty sensitive value means "keep", and only
 * headers that changed are sent — never a mask that would overwrite the real credential.
 *
 * @example headersPatch({ "X-A": "1" }, [], [{ key: 0, name: "X-B", value: "2" }]) // { headers: { "X-B": "2" }, deleteHeaders: ["X-A"] }
 */
export function headersPatch(
  stored: Record<string, string>,
  sensitive: string[],
  rows: HeaderRow[],
): HeadersPatch {
  const isSensitive = (name: string) => sensitive.some((s) => s.toLowerCase() === name.toLowerCase());
  const edited = rows.map((r) => ({ name: r.name.trim(), value: r.value })).filter((r) => r.name);
  const headers: Record<string, string> = {};
  for (const { name, value } of edited) {
    const before = stored[name];
    if (before !== undefined && isSensitive(name) && value === "") continue;
    if (before !== value) headers[name] = value;
  }
  const kept = new Set(edited.map((r) => r.name.toLowerCase()));
  const deleteHeaders = Object.keys(stored).filter((name) => !kept.has(name.toLowerCase()));
  return { headers, deleteHeaders };
}

/** Rows for the form: sensitive values start empty (the API only returns a mask). */
export function rowsFromStored(stored: Record<string, string>, sensitive: string[]): HeaderRow[] {
  return Object.entries(stored).map(([name, value], key) => ({
    key,
    name,
    value: sensitive.some((s) => s.toLowerCase() === name.toLowerCase()) ? "" : value,
  }));
}
