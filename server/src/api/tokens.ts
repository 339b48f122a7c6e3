import { z } from "zod";

import { ApplicationIn } from "./applications.js";

export const TokenIn = z.strictObject({
  name: z.string().min(1).max(256),
  /** Limit the token to one application (id or uid). */
  appId: z.string().min(1).max(256).nullish(),
  /** Lifetime in seconds; omitted = until revoked. */
  expiresIn: z.number().int().min(60).max(10 * 365 * 86400).nullish(),
});
export type TokenIn = z.output<typeof TokenIn>;

export const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  appId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});

export const TokenCreatedOut = TokenOut.extend({ token: z.string() });

export const AppPortalAccessIn = z.strictObject({
  application: ApplicationIn.nullish(),
  /** Token lifetime in seconds (default one hour, at most seven days). */
  expiry: z.number().int().min(60).max(7 * 86400).nullish(),
  featureFlags: z.array(z.string().max(256)).nullish(),
  readOnly: z.boolean().nullish(),
  sessionId: z.string().max(256).nullish(),
});

export const AppPortalAccessOut = z.object({ url: z.string(), token: z.string() });
