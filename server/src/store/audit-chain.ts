import { sha256Hex } from "../lib/hash.js";
import type { AuditRow } from "./schema.js";

/** The predecessor of the first row ever written. */
export const GENESIS_HASH = "0".repeat(64);

/** The columns a row's hash covers, in the order they are serialized. Everything but `hash`. */
const HASHED = [
  "seq",
  "at",
  "actor_type",
  "actor_id",
  "actor_name",
  "actor_app_id",
  "ip",
  "request_id",
  "action",
  "app_id",
  "resource_id",
  "changes",
  "prev_hash",
] as const satisfies readonly (keyof AuditRow)[];

/**
 * SHA-256 (hex) of a row's content and its predecessor's hash. The canonical serialization is
 * the JSON array of the hashed columns in {@link HASHED} order, exactly as stored: numbers,
 * strings and nulls, so both engines give back what was hashed and no key order is involved.
 *
 * @example auditRowHash({ ...row, prev_hash: previous.hash }) === row.hash
 */
export function auditRowHash(row: Omit<AuditRow, "hash">): string {
  return sha256Hex(JSON.stringify(HASHED.map((column) => row[column])));
}

/** The first break found in the chain: which row, and why. */
export interface ChainBreak {
  /** The row's position; for a missing tail, the head's. */
  seq: number;
  reason: string;
}

export interface ChainCheck {
  ok: boolean;
  /** Rows whose hashes were recomputed. */
  checked: number;
  /** Where verification began: after the latest retention checkpoint, or at the start. */
  fromSeq: number;
  firstBroken: ChainBreak | null;
}

/**
 * Walks rows in seq order, from a known predecessor (the genesis or a checkpoint), and names the
 * first row whose stored hash, predecessor link or position is wrong. Rows come in pages so a
 * long log is never held in memory at once.
 */
export class ChainVerifier {
  private checked = 0;

  constructor(
    private expectedSeq: number,
    private expectedPrev: string,
  ) {}

  /** Checks the next rows in order; the first break, or null. */
  check(rows: readonly AuditRow[]): ChainBreak | null {
    for (const row of rows) {
      if (row.seq !== this.expectedSeq) {
        return row.seq > this.expectedSeq
          ? {
              seq: this.expectedSeq,
              reason: `row ${this.expectedSeq} is missing (the next row is ${row.seq})`,
            }
          : { seq: row.seq, reason: `row ${row.seq} is out of order` };
      }
      if (row.prev_hash !== this.expectedPrev) {
        return { seq: row.seq, reason: "its previous-hash does not match the hash of the row before it" };
      }
      this.checked++;
      if (auditRowHash(row) !== row.hash) {
        return { seq: row.seq, reason: "its content does not match its hash (the row was altered)" };
      }
      this.expectedSeq = row.seq + 1;
      this.expectedPrev = row.hash;
    }
    return null;
  }

  /** After the last row: the chain head must name the last row, or rows were cut off the end. */
  finish(head: { seq: number; hash: string }): ChainBreak | null {
    const last = this.expectedSeq - 1;
    if (head.seq > last) {
      return {
        seq: this.expectedSeq,
        reason: `rows ${this.expectedSeq} to ${head.seq} are missing from the end`,
      };
    }
    if (head.seq < last)
      return { seq: last, reason: `the chain head names row ${head.seq}, not the last row` };
    if (head.hash !== this.expectedPrev) {
      return { seq: head.seq, reason: "the chain head's hash does not match the last row" };
    }
    return null;
  }

  get count(): number {
    return this.checked;
  }
}
