/**
 * The fixed set of API-key scopes. `admin` implies every other scope; the others are
 * independent (a key that may create messages cannot read them unless it also has `app:read`).
 */
export const SCOPES = ["admin", "app:read", "app:write", "message:create", "inbound:manage", "audit:read"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a key limited to one application gets unless told otherwise: what such a token could do
 * before scopes existed (migration 0004). Shared with the dashboard's key form.
 *
 * @example createKey({ appId, scopes: APP_KEY_SCOPES })
 */
export const APP_KEY_SCOPES: readonly Scope[] = ["app:read", "app:write", "message:create", "inbound:manage"];
