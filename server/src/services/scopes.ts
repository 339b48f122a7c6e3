import { APP_KEY_SCOPES, type Scope, SCOPES } from "../contract/scopes.js";

export { APP_KEY_SCOPES, type Scope, SCOPES };

/** A read-only consumer-portal session. */
export const READ_ONLY_PORTAL_SCOPES: readonly Scope[] = ["app:read"];

/** A writable consumer-portal session: its application's endpoints, messages and sources. */
export const PORTAL_SCOPES: readonly Scope[] = APP_KEY_SCOPES;

/** Whether `granted` allows `required`. */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return granted.includes("admin") || granted.includes(required);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Parses the stored JSON array, dropping unknown values (a newer version's scope grants nothing here). */
export function parseScopes(json: string): Scope[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((s): s is Scope => typeof s === "string" && isScope(s)) : [];
  } catch {
    return [];
  }
}
