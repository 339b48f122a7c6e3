import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";

import type { KeySet } from "./keyring.js";

const HEADER = [
  "# Hookrelay data key: seals endpoint secrets, custom headers, source secrets and stored responses.",
  "# Back this file up with the database: without it the sealed values cannot be read.",
  "# The first key seals; the keys below it only open values sealed before `hookrelay secrets rekey`.",
];

/**
 * Reads a key file: one key per line, current first; blank lines and `#` comments ignored.
 *
 * @example readKeyFile("./data/secret.key") // { current: "…", previous: [] }
 */
export function readKeyFile(path: string): KeySet {
  const keys = readFileSync(path, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const [current, ...previous] = keys;
  if (!current) throw new Error(`the key file ${path} holds no key`);
  for (const key of keys) {
    if (key.length < 16) throw new Error(`the key file ${path} holds a key shorter than 16 characters`);
  }
  return { current, previous };
}

/**
 * Writes a key file readable by its owner only (0600). `exclusive`: fail if it exists (the first
 * start, where two processes must not both create one); otherwise it is replaced atomically
 * (written beside it, synced, renamed), so a reader sees the old file or the new, never half.
 */
export function writeKeyFile(path: string, keys: KeySet, exclusive = false): void {
  const text = [...HEADER, keys.current, ...keys.previous, ""].join("\n");
  const target = exclusive ? path : `${path}.tmp-${process.pid}`;
  const fd = openSync(target, exclusive ? "wx" : "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The mode given to open is filtered by the umask; 0600 is what a key file must have.
  chmodSync(target, 0o600);
  if (!exclusive) renameSync(target, path);
}
