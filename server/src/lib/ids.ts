import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 22; // 62^22 > 2^128, so 16 bytes always fit

export type IdPrefix = "app" | "ep" | "msg" | "atmpt" | "src" | "req" | "tok" | "qtask" | "dlv";

let lastMs = 0;
let lastRandom = Buffer.alloc(10);

/**
 * A prefixed id that sorts by creation time: 48 bits of milliseconds then 80 random bits,
 * base62 with a fixed width so string order equals time order. Within one millisecond the
 * random part is incremented, so ids from one process are strictly increasing — list
 * pagination relies on that.
 *
 * @example newId("msg") // "msg_0d1Xk…"
 */
export function newId(prefix: IdPrefix): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    lastRandom = randomBytes(10);
  } else {
    increment(lastRandom);
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  lastRandom.copy(bytes, 6);
  return `${prefix}_${base62(bytes)}`;
}

/** The lowest id of `prefix` created at or after `date`: a bound for time-range queries on ids. */
export function idAt(prefix: IdPrefix, date: Date): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(Math.max(0, date.getTime()), 0, 6);
  return `${prefix}_${base62(bytes)}`;
}

/** Milliseconds since the epoch encoded in an id made by {@link newId}, or undefined. */
export function idTime(id: string): number | undefined {
  const body = id.slice(id.indexOf("_") + 1);
  if (body.length !== BODY_LENGTH) return undefined;
  let n = 0n;
  for (const c of body) {
    const v = ALPHABET.indexOf(c);
    if (v < 0) return undefined;
    n = n * 62n + BigInt(v);
  }
  return Number(n >> 80n);
}

function increment(buf: Buffer): void {
  for (let i = buf.length - 1; i >= 0; i--) {
    const v = buf[i]!;
    if (v < 255) {
      buf[i] = v + 1;
      return;
    }
    buf[i] = 0;
  }
}

function base62(bytes: Buffer): string {
  let n = BigInt("0x" + bytes.toString("hex"));
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(BODY_LENGTH, "0");
}
