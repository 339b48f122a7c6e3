import { readFileSync, writeFileSync } from "node:fs";

import type { Command } from "commander";

import { type ImportReport } from "../services/backup.js";
import { CLI_ACTOR } from "../services/principal.js";
import { withServices } from "./with-services.js";

/**
 * What an import prints: rows restored per table, then what the operator must do.
 *
 * @example process.stdout.write(formatImportReport(report));
 */
export function formatImportReport(report: ImportReport): string {
  const rows = Object.entries(report.tables).map(([table, n]) => `${table} ${n}`).join(", ");
  const lines = [`imported: ${rows}`];
  if (report.secrets === "omitted") lines.push("secrets were not in the backup: new ones were made, see below");
  for (const note of report.notes) lines.push(`  ${note}`);
  return `${lines.join("\n")}\n`;
}

/** `hookrelay export` and `hookrelay import`: a configuration backup and its restore (ADR 21). */
export function registerBackupCommands(program: Command): void {
  program
    .command("export")
    .description("write the configuration (applications, endpoints, event types, sources, retry policies, operational webhooks) as a versioned JSON backup")
    .option("-o, --out <file>", "write to this file instead of stdout")
    .option("--omit-secrets", "leave secrets out (signing secrets, headers' values, source credentials); an import makes new ones")
    .action(async (opts: { out?: string; omitSecrets?: boolean }) => {
      const doc = await withServices(({ services }) => services.backup.export({ omitSecrets: opts.omitSecrets === true }));
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      // The backup may hold sealed secrets: readable by its owner only.
      if (opts.out !== undefined) writeFileSync(opts.out, text, { mode: 0o600 });
      else process.stdout.write(text);
      const rows = Object.entries(doc.tables).map(([table, list]) => `${table} ${list.length}`).join(", ");
      process.stderr.write(`exported (format version ${doc.version}, secrets ${doc.secrets}): ${rows}\n`);
    });

  program
    .command("import")
    .description("restore a backup written by `hookrelay export` into an empty instance, in one transaction")
    .argument("<file>", "the backup (- for stdin)")
    .option("--force", "import into an instance that already has configuration, overwriting rows with the same ids")
    .action(async (file: string, opts: { force?: boolean }) => {
      const text = readFileSync(file === "-" ? 0 : file, "utf8");
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file} is not JSON: ${(error as Error).message}`, { cause: error });
      }
      const report = await withServices(({ services }) => services.backup.import(CLI_ACTOR, doc, { force: opts.force === true }));
      process.stdout.write(formatImportReport(report));
    });
}
