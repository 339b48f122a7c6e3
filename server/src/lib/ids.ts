import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^9 > 2^48 (milliseconds until the year 10889). */
const TIME_CHARS = 9;
/** Each random half is 40 bits; 62^7 > 2^40. */
const HALF_CHARS = 7;
const HALF = 2 ** 40;
export const ID_BODY_LENGTH = TIME_CHARS + 2 * HALF_CHARS;

export type IdPrefix = "app" | "ep" | "msg" | "atmpt" | "src" | "req" | "tok" | "qtask" | "dlv" | "rpr";

let lastMs = 0;
let high = 0;
let low = 0;

// Random bytes are drawn 4 KiB at a time: one getrandom call per 400 ids instead of one each.
let pool = Buffer.alloc(0);
let poolOffset = 0;
function random40(): number {
  if (poolOffset + 5 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  const v = pool.readUIntBE(poolOffset, 5);
  poolOffset += 5;
  return v;
}

/**
 * A prefixed id that sorts by creation time: 48 bits of milliseconds then 80 random bits, in
 * fixed-width base62 so that string order is time order. Within one millisecond the random
 * part is incremented instead of redrawn, so ids from one process are strictly increasing —
 * list pagination relies on that. Plain number arithmetic (no BigInt): ids are made on the
 * ingest hot path.
 *
 * @example newId("msg") // "msg_0Lx3kQ2aB…"
 */
export function newId(prefix: IdPrefix): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    high = random40();
    low = random40();
  } else if (++low >= HALF) {
    low = 0;
    high = (high + 1) % HALF;
  }
  return `${prefix}_${encode(lastMs, TIME_CHARS)}${encode(high, HALF_CHARS)}${encode(low, HALF_CHARS)}`;
}

/** The lowest id of `prefix` created at or after `date`: a bound for time-range queries on ids. */
export function idAt(prefix: IdPrefix, date: Date): string {
  return `${prefix}_${encode(Math.max(0, date.getTime()), TIME_CHARS)}${"0".repeat(2 * HALF_CHARS)}`;
}

/**
 * The highest id of `prefix` that {@link newId} can make at `date`: as an exclusive lower bound,
 * "every id made after `date`".
 *
 * @example lastIdAt("msg", new Date(1_700_000_000_000)) // "msg_…zzzzzzzzzzzzzz"
 */
export function lastIdAt(prefix: IdPrefix, date: Date): string {
  return `${prefix}_${encode(Math.max(0, date.getTime()), TIME_CHARS)}${"z".repeat(2 * HALF_CHARS)}`;
}

/** Milliseconds since the epoch encoded in an id made by {@link newId}, or undefined. */
export function idTime(id: string): number | undefined {
  const body = id.slice(id.indexOf("_") + 1);
  if (body.length !== ID_BODY_LENGTH) return undefined;
  let n = 0;
  for (let i = 0; i < TIME_CHARS; i++) {
    const v = ALPHABET.indexOf(body[i]!);
    if (v < 0) return undefined;
    n = n * 62 + v;
  }
  return n;
}

function encode(value: number, width: number): string {
  let out = "";
  let n = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return out;
}
