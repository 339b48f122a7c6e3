/**
 * The fixed set of API-key scopes. `admin` implies every other scope; the others are
 * independent (a key that may create messages cannot read them unless it also has `app:read`).
 */
export const SCOPES = ["admin", "app:read", "app:write", "message:create", "inbound:manage", "audit:read"] as const;
export type Scope = (typeof SCOPES)[number];
