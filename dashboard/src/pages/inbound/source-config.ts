/** A rate-limit window as the form edits it: text inputs, parsed on submit. */
export interface LimitRow {
  key: number;
  points: string;
  seconds: string;
}

/** The settings the form edits with controls; everything else is the provider's, edited as JSON. */
export interface SourceSettings {
  provider: Record<string, unknown>;
  allowlist: string[];
  /** "default": the provider's documented limits; "custom": the rows (none = no limit). */
  limitMode: "default" | "custom";
  limits: LimitRow[];
}

/**
 * Splits a source's config into the provider's own fields and the allowlist and rate limits.
 *
 * @example splitConfig({ secret: "s", ipAllowlist: ["10.0.0.0/8"] }).allowlist // ["10.0.0.0/8"]
 */
export function splitConfig(config: Record<string, unknown>): SourceSettings {
  const { ipAllowlist, rateLimits, ...provider } = config;
  const allowlist = Array.isArray(ipAllowlist) ? ipAllowlist.map(String) : [];
  const limits = Array.isArray(rateLimits)
    ? (rateLimits as { points?: unknown; durationSeconds?: unknown }[]).map((l, key) => ({
        key,
        points: String(l.points ?? ""),
        seconds: String(l.durationSeconds ?? ""),
      }))
    : [];
  return { provider, allowlist, limitMode: Array.isArray(rateLimits) ? "custom" : "default", limits };
}

/** Why a row cannot be saved, or null. Checked here so the message names the row. */
export function limitError(rows: LimitRow[]): string | null {
  for (const [i, r] of rows.entries()) {
    const points = Number(r.points);
    const seconds = Number(r.seconds);
    if (!Number.isInteger(points) || points < 1)
      return `Rate limit ${i + 1}: requests must be a whole number ≥ 1`;
    if (!Number.isInteger(seconds) || seconds < 1)
      return `Rate limit ${i + 1}: seconds must be a whole number ≥ 1`;
  }
  return null;
}

/**
 * The config to send: provider fields (empty strings left out), the allowlist without blank
 * rows, and the limits, or `rateLimits: null` to go back to the provider's own.
 */
export function joinConfig(s: SourceSettings): Record<string, unknown> {
  const provider = Object.fromEntries(Object.entries(s.provider).filter(([, v]) => v !== ""));
  return {
    ...provider,
    ipAllowlist: s.allowlist.map((c) => c.trim()).filter(Boolean),
    rateLimits:
      s.limitMode === "default"
        ? null
        : s.limits.map((l) => ({ points: Number(l.points), durationSeconds: Number(l.seconds) })),
  };
}
