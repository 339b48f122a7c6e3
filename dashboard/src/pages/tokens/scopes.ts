import { APP_KEY_SCOPES } from "../../../../server/src/contract/scopes";
import type { Scope } from "../../api/types";

/** The scopes a key can hold, with what each allows (the server's list, in the same order). */
export const SCOPE_CHOICES: { scope: Scope; label: string }[] = [
  { scope: "admin", label: "Everything, including applications and keys (all applications only)" },
  { scope: "app:read", label: "Read applications, endpoints, messages, attempts, sources" },
  { scope: "app:write", label: "Change endpoints, secrets, headers; resend and recover" },
  { scope: "message:create", label: "Send messages" },
  { scope: "inbound:manage", label: "Manage inbound sources, their request log and retries" },
  { scope: "audit:read", label: "Read the audit log" },
];

/** What a key limited to one application gets unless told otherwise: the server's own list. */
export const APP_KEY_DEFAULT: Scope[] = [...APP_KEY_SCOPES];

/** `10.0.0.0/8, 203.0.113.7` → ["10.0.0.0/8", "203.0.113.7"]. */
export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
