#!/usr/bin/env node
import { Command } from "commander";

import { configKeys, envName, loadConfig } from "../config/config.js";
import { runFromCommandLine } from "../main.js";
import { openStore } from "../store/database.js";
import { registerTokenCommands } from "./token-commands.js";

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
    const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    await store.close();
    process.stdout.write(`migrations applied (${store.dialect})\n`);
  });

registerTokenCommands(program);

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
