import type { Command } from "commander";

import { loadConfig } from "../config/config.js";
import { ApiError } from "../lib/errors.js";
import type { ApplicationService } from "../services/applications.js";
import { CLI_ACTOR } from "../services/principal.js";
import { isScope, type Scope } from "../services/scopes.js";
import type { TokenInfo, TokenService } from "../services/tokens.js";
import { withServices } from "./with-services.js";

/** Runs `fn` with the server's token service; its changes are audited as `cli` (CLI_ACTOR). */
function withTokens(
  fn: (tokens: TokenService, applications: ApplicationService) => Promise<void>,
): Promise<void> {
  return withServices(({ services }) => fn(services.tokens, services.applications));
}

/** The id of the application named by id or uid; throws a plain message when there is none. */
async function applicationId(applications: ApplicationService, idOrUid: string): Promise<string> {
  try {
    return (await applications.resolve(CLI_ACTOR, idOrUid)).id;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new Error(`no application ${idOrUid}`);
    throw error;
  }
}

/** `30d`, `12h`, `90m`, `3600` (seconds) or an ISO date → seconds from now. */
export function parseExpiry(text: string, now = Date.now()): number {
  const m = text.trim().match(/^(\d+)([smhd]?)$/);
  if (m) return Number(m[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  const at = Date.parse(text);
  if (Number.isNaN(at) || at <= now) throw new Error(`--expires: expected e.g. 30d, 12h, 3600 or a future ISO date, got ${text}`);
  return Math.ceil((at - now) / 1000);
}

function parseScopes(values: string[]): Scope[] {
  const list = values.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== "");
  for (const s of list) if (!isScope(s)) throw new Error(`--scope: unknown scope ${s}`);
  return list as Scope[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const when = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString());

function describe(t: TokenInfo): string {
  return [
    t.id,
    t.kind,
    JSON.stringify(t.name),
    t.appId ?? "*",
    t.scopes.join(" "),
    t.allowedIps?.join(",") ?? "any-ip",
    `expires=${when(t.expiresAt)}`,
    `last-used=${when(t.lastUsedAt)}${t.lastUsedIp ? ` from ${t.lastUsedIp}` : ""}`,
    `requests=${t.requestCount}`,
  ].join("  ");
}

/** `hookrelay token create|list|rotate|revoke`. */
export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("manage API keys");

  token
    .command("create")
    .description("create an API key and print it once")
    .option("-n, --name <name>", "a label for the key", "cli")
    .option("-a, --app <app>", "limit the key to one application (id or uid)")
    .option("-s, --scope <scope>", "a scope (repeatable or comma-separated): admin, app:read, app:write, message:create, inbound:manage, audit:read", collect)
    .option("--allow-ip <cidr>", "an address or CIDR range the key may be used from (repeatable)", collect)
    .option("-e, --expires <when>", "lifetime (30d, 12h, 3600) or an ISO date")
    .action(async (opts: { name: string; app?: string; scope?: string[]; allowIp?: string[]; expires?: string }) => {
      await withTokens(async (tokens, applications) => {
        const appId = opts.app ? await applicationId(applications, opts.app) : null;
        const created = await tokens.create(CLI_ACTOR, {
          name: opts.name,
          appId,
          scopes: opts.scope ? parseScopes(opts.scope) : undefined,
          allowedIps: opts.allowIp,
          ttlSeconds: opts.expires ? parseExpiry(opts.expires) : undefined,
        });
        process.stdout.write(`${created.token}\n`);
        process.stderr.write(`${describe(created)}\n`);
      });
    });

  token
    .command("list")
    .description("list keys and portal sessions that are not revoked")
    .action(async () => {
      await withTokens(async (tokens) => {
        let iterator: string | undefined;
        for (;;) {
          const page = await tokens.list(250, iterator);
          for (const t of page.data) process.stdout.write(`${describe(t)}\n`);
          if (page.done || page.iterator === null) break;
          iterator = page.iterator;
        }
      });
    });

  token
    .command("rotate <id>")
    .description("issue a new secret for a key; the old one keeps working for the grace period")
    .option("-g, --grace <seconds>", "grace period of the old secret (default HOOKRELAY_KEY_ROTATION_GRACE_SECONDS)")
    .action(async (id: string, opts: { grace?: string }) => {
      const grace = opts.grace !== undefined ? Number(opts.grace) : loadConfig().keyRotationGraceSeconds;
      if (!Number.isInteger(grace) || grace < 0) throw new Error("--grace: expected whole seconds");
      await withTokens(async (tokens) => {
        const rotated = await tokens.rotate(CLI_ACTOR, id, grace);
        process.stdout.write(`${rotated.token}\n`);
        process.stderr.write(`rotated ${id}; the previous secret works until ${when(rotated.previousExpiresAt)}\n`);
      });
    });

  token
    .command("revoke <id>")
    .description("revoke a key or portal session by its id (tok_…)")
    .action(async (id: string) => {
      await withTokens(async (tokens) => {
        await tokens.revoke(CLI_ACTOR, id);
        process.stdout.write(`revoked ${id}\n`);
      });
    });
}
