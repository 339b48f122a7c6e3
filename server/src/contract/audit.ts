import { z } from "zod";

import { ListQuery, Timestamp } from "./common.js";

export const AuditListQuery = ListQuery.omit({ order: true }).extend({
  app_id: z.string().min(1).max(256).optional(),
  /** A token id, an actor name, or an actor type (`key`, `portal`, `cli`). */
  actor: z.string().min(1).max(256).optional(),
  /** An action (`endpoint.update`), or a prefix ending in `*` (`endpoint.*`). */
  action: z
    .string()
    .max(128)
    .regex(/^[a-zA-Z0-9.-]+\*?$|^\*$/, "an action such as endpoint.update, or a prefix such as endpoint.*")
    .meta({ example: "endpoint.*" })
    .optional(),
  resource_id: z.string().min(1).max(256).optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
});
export type AuditListQuery = z.output<typeof AuditListQuery>;

export const AuditChange = z.object({ before: z.unknown(), after: z.unknown() });

export const AuditLogOut = z.object({
  /** The row's position in the chain (its id). */
  seq: z.number().int(),
  at: z.string(),
  actor: z.object({
    /** `key` (unscoped API key), `portal` (token limited to one application) or `cli`. */
    type: z.string(),
    /** The token's id; null for the command line. */
    id: z.string().nullable(),
    name: z.string(),
    /** The application the token is limited to. */
    appId: z.string().nullable(),
  }),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  appId: z.string().nullable(),
  resourceId: z.string().nullable(),
  /** Each changed field before and after; secrets are masked or fingerprinted, never stored. */
  changes: z.record(z.string(), AuditChange),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditLogOut = z.output<typeof AuditLogOut>;

export const AuditVerifyOut = z.object({
  ok: z.boolean(),
  /** Rows whose hash was recomputed. */
  checked: z.number().int(),
  /** The first row checked: 1, or the row after the latest retention checkpoint. */
  fromSeq: z.number().int(),
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
});
export type AuditVerifyOut = z.output<typeof AuditVerifyOut>;
