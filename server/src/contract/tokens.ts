import { z } from "zod";

import { ApplicationIn } from "./applications.js";
import { Timestamp } from "./common.js";
import { SCOPES } from "./scopes.js";

export const ScopeIn = z.enum(SCOPES);

/** CIDRs (or single addresses) a key may be used from; checked again by the service. */
const AllowedIps = z.array(z.string().min(1).max(64)).max(100);

export const TokenIn = z.strictObject({
  name: z.string().min(1).max(256),
  /** Limit the key to one application (id or uid). */
  appId: z.string().min(1).max(256).nullish(),
  /** Default: `admin` for a key on every application, app:read app:write message:create inbound:manage for a key on one. */
  scopes: z.array(ScopeIn).min(1).max(SCOPES.length).nullish(),
  /** Addresses or CIDR ranges the key may be used from; omitted or empty: anywhere. */
  allowedIps: AllowedIps.nullish(),
  /** Lifetime in seconds; omitted = until revoked. */
  expiresIn: z.number().int().min(60).max(10 * 365 * 86400).nullish(),
});
export type TokenIn = z.output<typeof TokenIn>;

export const TokenPatch = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  scopes: z.array(ScopeIn).min(1).max(SCOPES.length).optional(),
  /** null or empty: usable from anywhere. */
  allowedIps: AllowedIps.nullable().optional(),
  /** null: never expires. */
  expiresAt: Timestamp.nullable().optional(),
});

export const TokenRotateIn = z.strictObject({
  /** How long the old secret keeps working (default HOOKRELAY_KEY_ROTATION_GRACE_SECONDS); 0 = not at all. */
  graceSeconds: z.number().int().min(0).max(30 * 86400).nullish(),
});

export const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["key", "portal"]),
  appId: z.string().nullable(),
  scopes: z.array(z.string()),
  readOnly: z.boolean(),
  allowedIps: z.array(z.string()).nullable(),
  sessionId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  rotatedAt: z.string().nullable(),
  /** When the secret replaced by the last rotation stops working. */
  previousExpiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
  requestCount: z.number(),
});
export type TokenOut = z.output<typeof TokenOut>;

export const TokenCreatedOut = TokenOut.extend({ token: z.string() });

/** Svix's portal capabilities; a set without any Manage…/Create… one opens a read-only session. */
export const AppPortalCapability = z.enum([
  "ViewBase",
  "ViewEndpointSecret",
  "ManageEndpointSecret",
  "ManageTransformations",
  "CreateAttempts",
  "ManageEndpoint",
]);

const SessionId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-zA-Z0-9@_-]+$/, "may contain only letters, digits, '@', '_' and '-'")
  .meta({ example: "session_4f2a" });

export const AppPortalAccessIn = z.strictObject({
  application: ApplicationIn.nullish(),
  capabilities: z
    .array(AppPortalCapability)
    .meta({ example: ["ViewBase", "ManageEndpoint"] })
    .nullish(),
  /** Token lifetime in seconds (default one hour, at most seven days). */
  expiry: z
    .number()
    .int()
    .min(60)
    .max(7 * 86400)
    .meta({ example: 3600 })
    .nullish(),
  featureFlags: z.array(z.string().max(256)).nullish(),
  /** A read-only session: every write is refused with 403 `read_only`. */
  readOnly: z.boolean().nullish(),
  sessionId: SessionId.nullish(),
});

export const AppPortalAccessOut = z.object({ url: z.string(), token: z.string() });

/** Svix's ApplicationTokenExpireIn. */
export const ApplicationTokenExpireIn = z.strictObject({
  /** Seconds until the sessions end; 0 or omitted: now. */
  expiry: z.number().int().min(0).max(259_200).nullish(),
  /** Only the sessions opened with one of these sessionIds. */
  sessionIds: z.array(SessionId).max(1000).nullish(),
});

/** The calling token, as the dashboard needs it (portal mode, read-only mode). */
export const WhoamiOut = z.object({
  tokenId: z.string(),
  name: z.string(),
  kind: z.enum(["key", "portal"]),
  appId: z.string().nullable(),
  scopes: z.array(z.string()),
  readOnly: z.boolean(),
  sessionId: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type WhoamiOut = z.output<typeof WhoamiOut>;
export type AppPortalAccessIn = z.output<typeof AppPortalAccessIn>;
export type ApplicationTokenExpireIn = z.output<typeof ApplicationTokenExpireIn>;
