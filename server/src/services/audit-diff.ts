import { sha256Hex } from "../lib/hash.js";

/** What an audit row records of a change: each changed field before and after (null: absent). */
export type Changes = Record<string, { before: unknown; after: unknown }>;

/** Shown instead of a value that must never reach the log (header values, source credentials). */
export const MASK = "****";

/** How a field's value is shown; fields without one are shown as they are. */
export type Masks = Record<string, (value: unknown) => unknown>;

/**
 * The fields that differ between two views of a resource; `before` null for a creation, `after`
 * null for a deletion (fields that are null on the existing side are left out of both: they
 * say nothing). Values are compared unmasked (a header whose value changed is listed
 * even though both sides read `****`) and masked on the way out.
 *
 * @example diffFields({ url: "a", secret: "x" }, { url: "b", secret: "x" }, { secret: fingerprint }) // { url: { before: "a", after: "b" } }
 */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  masks: Masks = {},
): Changes {
  const changes: Changes = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    const a = before?.[key] ?? null;
    const b = after?.[key] ?? null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const mask = masks[key] ?? ((v: unknown) => v);
    changes[key] = { before: before === null ? null : mask(a), after: after === null ? null : mask(b) };
  }
  return changes;
}

/**
 * A short fingerprint of a high-entropy secret (an endpoint signing secret): enough to tell
 * which secret is meant, useless for recovering it. Not for low-entropy values, which a
 * fingerprint would let someone guess offline: those are masked.
 */
export function fingerprint(value: unknown): unknown {
  return typeof value === "string" ? `sha256:${sha256Hex(value).slice(0, 8)}` : value;
}

/** Every value of a header map masked; names stay visible. */
export function maskValues(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
}

/** The named fields of an object masked where present. */
export function maskFields(fields: readonly string[]): (value: unknown) => unknown {
  return (value) => {
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const f of fields) if (out[f] !== undefined && out[f] !== null) out[f] = MASK;
    return out;
  };
}
