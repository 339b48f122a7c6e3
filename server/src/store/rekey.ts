import { setTimeout as sleep } from "node:timers/promises";

import type { Kysely } from "kysely";

import { readKeyFile, writeKeyFile } from "../lib/key-file.js";
import { generateKey, type Keyring } from "../lib/keyring.js";
import { fileKeyring } from "../lib/keyring-config.js";
import type { Database } from "./schema.js";
import { resealColumns } from "./sealed-columns.js";

export interface RekeyOptions {
  /** The keyring from the environment (HOOKRELAY_SECRET_KEY + _PREVIOUS); unused with `keyFile`. */
  keyring: Keyring;
  /** The key file the server reads, when the keys come from one. */
  keyFile?: string | undefined;
  /** With a key file: generate a new key and make it current first (default). */
  newKey?: boolean;
  /** With a key file: keep the earlier keys in it afterwards instead of removing them. */
  keepPrevious?: boolean;
  batchSize?: number;
  /**
   * How long running servers are given to notice a changed key file (they check it every second)
   * before the walk starts, and before earlier keys are removed from it.
   */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface RekeyReport {
  /** The key everything is sealed under now. */
  keyId: string;
  /** Values re-sealed per `table.column`, over all passes. */
  resealed: Record<string, number>;
  /** Values still under another key after the last pass (0 unless writers kept using an old key). */
  remaining: number;
  /** Key ids removed from the key file. */
  removed: string[];
}

const MAX_PASSES = 5;

/**
 * `hookrelay secrets rekey` (ADR 5): re-seals every sealed value under the current key, in
 * batches, while servers keep running. With a key file it first writes a new key at its top (the
 * old ones stay below it, so values not yet re-sealed still open), waits for running servers to
 * pick the file up, walks the tables, and finally removes the old keys. With keys from the
 * environment the operator has already made the new key current; this walks the tables.
 *
 * A value changed by the API during the walk was sealed by it under its current key; a later pass
 * picks up any a server wrote under an old key meanwhile.
 *
 * @example await rekey(store.db, { keyring, keyFile: "./data/secret.key" })
 */
export async function rekey(db: Kysely<Database>, options: RekeyOptions): Promise<RekeyReport> {
  const log = options.log ?? (() => undefined);
  const settleMs = options.settleMs ?? 2_500;
  let keyring = options.keyring;
  const { keyFile } = options;
  if (keyFile) {
    const before = readKeyFile(keyFile);
    if (options.newKey ?? true) {
      writeKeyFile(keyFile, { current: generateKey(), previous: [before.current, ...before.previous] });
      keyring = fileKeyring(keyFile);
      log(
        `wrote new key ${keyring.currentId} to ${keyFile}; waiting ${settleMs} ms for running servers to read it`,
      );
      await sleep(settleMs);
    } else {
      keyring = fileKeyring(keyFile);
    }
  }

  const resealed: Record<string, number> = {};
  let remaining = 0;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const counts = await resealColumns(db, (v) => keyring.reseal(v), { batchSize: options.batchSize });
    for (const [column, n] of Object.entries(counts)) resealed[column] = (resealed[column] ?? 0) + n;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    log(`pass ${pass}: re-sealed ${total} values under key ${keyring.currentId}`);
    // A pass that changed nothing proves the walk complete; after one that did, look again
    // once running servers have certainly switched keys.
    if (total === 0) {
      remaining = 0;
      break;
    }
    if (pass === 1) await sleep(settleMs);
    remaining = Object.values(await resealColumns(db, (v) => keyring.reseal(v), { dryRun: true })).reduce(
      (a, b) => a + b,
      0,
    );
    if (remaining === 0) break;
  }

  const removed: string[] = [];
  if (keyFile && remaining === 0 && !options.keepPrevious) {
    const now = readKeyFile(keyFile);
    if (now.previous.length > 0) {
      removed.push(...keyring.keyIds.filter((id) => id !== keyring.currentId));
      writeKeyFile(keyFile, { current: now.current, previous: [] });
      log(`removed earlier keys ${removed.join(", ")} from ${keyFile}`);
    }
  }
  return { keyId: keyring.currentId, resealed, remaining, removed };
}

/**
 * `hookrelay secrets status`: how many stored values are not sealed under the current key
 * (plaintext, v1, or an earlier key), per `table.column`. Writes nothing.
 */
export async function sealStatus(db: Kysely<Database>, keyring: Keyring): Promise<Record<string, number>> {
  return resealColumns(db, (v) => keyring.reseal(v), { dryRun: true });
}
