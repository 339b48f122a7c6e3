import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { type Kysely, sql } from "kysely";

/** One form of a secret to look for, as bytes. */
export interface Needle {
  /** Which secret, and which form of it (for the failure message; never the secret itself). */
  label: string;
  bytes: Buffer;
}

/**
 * The forms a secret could take at rest: its text, and for a `whsec_` signing secret also the
 * base64 part alone, the raw key bytes and their hex; for any other secret also its base64.
 *
 * @example needlesOf("endpoint secret", "whsec_…")
 */
export function needlesOf(label: string, secret: string): Needle[] {
  const needles: Needle[] = [{ label: `${label} (text)`, bytes: Buffer.from(secret) }];
  if (secret.startsWith("whsec_")) {
    const b64 = secret.slice(6);
    const raw = Buffer.from(b64, "base64");
    needles.push({ label: `${label} (base64 part)`, bytes: Buffer.from(b64) });
    needles.push({ label: `${label} (raw bytes)`, bytes: raw });
    needles.push({ label: `${label} (hex of bytes)`, bytes: Buffer.from(raw.toString("hex")) });
  } else {
    needles.push({ label: `${label} (base64)`, bytes: Buffer.from(Buffer.from(secret).toString("base64")) });
  }
  return needles;
}

/** Labels of the needles found in `haystack`. */
export function findNeedles(haystack: Buffer | string, needles: readonly Needle[], where: string): string[] {
  const bytes = typeof haystack === "string" ? Buffer.from(haystack) : haystack;
  return needles.filter((n) => bytes.includes(n.bytes)).map((n) => `${n.label} in ${where}`);
}

/** Every file under `dir` (recursively), read byte for byte, searched for every needle. */
export function scanFiles(dir: string, needles: readonly Needle[]): { hits: string[]; files: string[] } {
  const hits: string[] = [];
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const inner = scanFiles(path, needles);
      hits.push(...inner.hits);
      files.push(...inner.files);
      continue;
    }
    files.push(name);
    hits.push(...findNeedles(readFileSync(path), needles, name));
  }
  return { hits, files };
}

/**
 * Every row of every table of the store (the current PostgreSQL schema, or the SQLite database),
 * each column's text searched for every needle.
 */
export async function scanRows(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  needles: readonly Needle[],
): Promise<{ hits: string[]; rows: number }> {
  const hits: string[] = [];
  let rows = 0;
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  // PostgreSQL's introspection lists every schema of the database: keep the store's own.
  const pg = tables.some((t) => t.schema !== undefined);
  const own = pg
    ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
    : undefined;
  for (const table of tables.filter((t) => !pg || t.schema === own)) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    for (const row of result.rows) {
      rows++;
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = Buffer.isBuffer(value) ? value : Buffer.from(String(value));
        hits.push(...findNeedles(text, needles, `${table.name}.${column}`));
      }
    }
  }
  return { hits, rows };
}
