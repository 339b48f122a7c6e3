#!/usr/bin/env node
import { Command } from "commander";

import { configKeys, envName, loadConfig } from "../config/config.js";
import { runFromCommandLine } from "../main.js";
import { CLI_ACTOR } from "../services/principal.js";
import { registerBackupCommands } from "./backup-commands.js";
import { registerGradeCommand } from "./grade.js";
import { registerSecretsCommands } from "./secrets.js";
import { registerTokenCommands } from "./token-commands.js";
import { registerVerifyCommand } from "./verify-command.js";
import { withServices } from "./with-services.js";

/** `hookrelay` — start the server, run migrations, manage API keys, the data key and the audit log, check signatures, grade a receiver, back up and restore the configuration. */
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
    const dialect = await withServices(async ({ store }) => store.dialect);
    process.stdout.write(`migrations applied (${dialect})\n`);
  });

registerTokenCommands(program);

registerSecretsCommands(program);

registerVerifyCommand(program);
registerGradeCommand(program);
registerBackupCommands(program);

const audit = program.command("audit").description("the audit log");

audit
  .command("verify")
  .description("recompute the audit log's hash chain and report the first broken link")
  .action(async () => {
    await withServices(async ({ services }) => {
      const check = await services.audit.verify(CLI_ACTOR);
      if (check.ok) {
        process.stdout.write(`audit chain intact: ${check.checked} rows checked from row ${check.fromSeq}\n`);
      } else {
        const broken = check.firstBroken!;
        process.stdout.write(`audit chain broken at row ${broken.seq}: ${broken.reason} (${check.checked} rows checked)\n`);
        process.exitCode = 2;
      }
    });
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

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
