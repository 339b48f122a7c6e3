#!/usr/bin/env node
import { Command } from "commander";

import { configKeys, envName, loadConfig } from "../config/config.js";
import { runFromCommandLine } from "../main.js";
import { AuditLog, CLI_ACTOR } from "../services/audit.js";
import { TokenService } from "../services/tokens.js";
import { ApplicationsRepository } from "../store/applications-repository.js";
import { AuditRepository } from "../store/audit-repository.js";
import { openConfiguredStore } from "../store/configured-store.js";
import { openStore, type Store } from "../store/database.js";
import { TokensRepository } from "../store/tokens-repository.js";
import { registerSecretsCommands } from "./secrets.js";

/** `hookrelay` — start the server, run migrations, manage API tokens. */
const program = new Command()
  .name("hookrelay")
  .description("Self-hostable, Svix-compatible webhook gateway")
  .version("0.1.0");

program
  .command("start")
  .description("start the API and/or the delivery worker (HOOKRELAY_ROLE=all|api|worker)")
  .option("-p, --port <port>", "port to listen on (HOOKRELAY_PORT, default 8071)")
  .option("--role <role>", "all | api | worker")
  .action(async (opts: { port?: string; role?: string }) => {
    await runFromCommandLine({
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.role !== undefined ? { role: opts.role as "all" } : {}),
    });
  });

program
  .command("migrate")
  .description("bring the database schema up to date, then exit")
  .action(async () => {
    const config = loadConfig();
    const { store } = await openConfiguredStore(config, (m) => process.stderr.write(`${m}\n`));
    await store.close();
    process.stdout.write(`migrations applied (${store.dialect})\n`);
  });

const token = program.command("token").description("manage API tokens");

token
  .command("create")
  .description("create an API token and print it once")
  .option("-n, --name <name>", "a label for the token", "cli")
  .option("-a, --app <app>", "limit the token to one application (id or uid)")
  .action(async (opts: { name: string; app?: string }) => {
    const config = loadConfig();
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      let appId: string | null = null;
      if (opts.app) {
        const app = await new ApplicationsRepository(store.db, store.endpointRoutes).find(opts.app);
        if (!app) throw new Error(`no application ${opts.app}`);
        appId = app.id;
      }
      const created = await tokenService(store).create(CLI_ACTOR, { name: opts.name, appId });
      process.stdout.write(`${created.token}\n`);
      process.stderr.write(`token ${created.id} "${created.name}"${appId ? ` limited to ${appId}` : ""}\n`);
    } finally {
      await store.close();
    }
  });

token
  .command("revoke <id>")
  .description("revoke a token by its id (tok_…)")
  .action(async (id: string) => {
    const config = loadConfig();
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      await tokenService(store).revoke(CLI_ACTOR, id);
      process.stdout.write(`revoked ${id}\n`);
    } finally {
      await store.close();
    }
  });

registerSecretsCommands(program);

const audit = program.command("audit").description("the audit log");

audit
  .command("verify")
  .description("recompute the audit log's hash chain and report the first broken link")
  .action(async () => {
    const config = loadConfig();
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      const check = await new AuditRepository(store.db).verify();
      if (check.ok) {
        process.stdout.write(`audit chain intact: ${check.checked} rows checked from row ${check.fromSeq}\n`);
      } else {
        const broken = check.firstBroken!;
        process.stdout.write(`audit chain broken at row ${broken.seq}: ${broken.reason} (${check.checked} rows checked)\n`);
        process.exitCode = 2;
      }
    } finally {
      await store.close();
    }
  });

program
  .command("config")
  .description("print every configuration key, its environment variable and its value")
  .action(() => {
    const config = loadConfig() as unknown as Record<string, unknown>;
    for (const key of configKeys) {
      const secret = /token|key|url/i.test(key) && config[key] !== undefined;
      const shown = secret ? "[set]" : config[key] === undefined ? "(not set)" : JSON.stringify(config[key]);
      process.stdout.write(`${envName(key).padEnd(40)} ${shown}\n`);
    }
  });

/** Token changes made here are audited as the command line, like those made through the API. */
function tokenService(store: Store): TokenService {
  return new TokenService(new TokensRepository(store.db), new AuditLog(store.db, new AuditRepository(store.db)));
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
