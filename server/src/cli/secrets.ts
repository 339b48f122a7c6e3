import type { Command } from "commander";

import { rekey, sealStatus } from "../store/rekey.js";
import { withServices } from "./with-services.js";

/**
 * `hookrelay secrets …`: the data key that seals secrets at rest (ADR 5).
 *
 * @example registerSecretsCommands(program) // hookrelay secrets rekey
 */
export function registerSecretsCommands(program: Command): void {
  const secrets = program.command("secrets").description("manage the data key that seals secrets at rest");

  secrets
    .command("rekey")
    .description(
      "re-seal every stored secret under the current key, in batches, while servers run; " +
        "with a key file, first make a new key current and afterwards remove the old ones",
    )
    .option("--keep-key", "with a key file: re-seal under the key already at its top instead of a new one")
    .option("--keep-previous", "with a key file: keep the earlier keys in it afterwards")
    .option("--batch-size <n>", "rows per batch", "500")
    .action(async (opts: { keepKey?: boolean; keepPrevious?: boolean; batchSize: string }) => {
      await withServices(async ({ store, keyring, keyFile }, config) => {
        const report = await rekey(store.db, {
          keyring,
          keyFile,
          newKey: !opts.keepKey,
          keepPrevious: opts.keepPrevious ?? false,
          batchSize: Math.max(1, Number(opts.batchSize) || 500),
          log: (line) => process.stderr.write(`${line}\n`),
        });
        const total = Object.values(report.resealed).reduce((a, b) => a + b, 0);
        process.stdout.write(`re-sealed ${total} values under key ${report.keyId}\n`);
        for (const [column, n] of Object.entries(report.resealed))
          process.stdout.write(`  ${column.padEnd(28)} ${n}\n`);
        if (report.remaining > 0) {
          process.stdout.write(
            `${report.remaining} values are still sealed under another key: a server is still sealing with an old key. ` +
              "Give every instance the new key as current and run rekey again.\n",
          );
          process.exitCode = 1;
        } else if (!keyFile && config.secretKeyPrevious.length > 0) {
          process.stdout.write(
            "every value is under the current key: HOOKRELAY_SECRET_KEY_PREVIOUS may now be removed\n",
          );
        }
      });
    });

  secrets
    .command("status")
    .description("count stored values not sealed under the current key")
    .action(async () => {
      await withServices(async ({ store, keyring, keyFile }) => {
        const counts = await sealStatus(store.db, keyring);
        process.stdout.write(
          `current key ${keyring.currentId} (${keyFile ?? "HOOKRELAY_SECRET_KEY"}); keys: ${keyring.keyIds.join(", ")}\n`,
        );
        for (const [column, n] of Object.entries(counts))
          process.stdout.write(`  ${column.padEnd(28)} ${n} to re-seal\n`);
      });
    });
}
