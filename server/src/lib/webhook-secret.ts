import { randomBytes } from "node:crypto";

/**
 * A new Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes (the spec allows
 * 24–64), the same shape Svix issues.
 *
 * @example generateSecret() // "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
 */
export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
