/**
 * The endpoint form's content filter is edited as JSON text. The browser checks what it can
 * without the server's rules, JSON syntax and an object at the top; operators and operands are
 * the server's to judge (its 422 names where: `filter.data.amount.$like: Unknown operator …`).
 */

/** The text a stored filter is edited as: pretty JSON, or empty for none. */
export function filterText(filter: Record<string, unknown> | null | undefined): string {
  return filter && Object.keys(filter).length > 0 ? JSON.stringify(filter, null, 2) : "";
}

export type ParsedFilter = { ok: true; filter: Record<string, unknown> | null } | { ok: false; error: string };

/**
 * Parses the textarea: empty (or `{}`) is no filter, a JSON object is the filter, anything else
 * an error to show.
 *
 * @example parseFilterText('{"type":"card"}') // { ok: true, filter: { type: "card" } }
 */
export function parseFilterText(text: string): ParsedFilter {
  if (text.trim() === "") return { ok: true, filter: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: 'A filter is a JSON object, e.g. {"type": "invoice.paid"}.' };
  }
  return { ok: true, filter: Object.keys(value).length > 0 ? (value as Record<string, unknown>) : null };
}
