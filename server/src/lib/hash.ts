import { createHash, timingSafeEqual } from "node:crypto";

/** Hex SHA-256; how API tokens and idempotency keys are stored. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Constant-time comparison of two strings of possibly different lengths. */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === "string" ? Buffer.from(a) : a;
  const y = typeof b === "string" ? Buffer.from(b) : b;
  if (x.length !== y.length) {
    // Compare anyway so the time taken does not reveal where the lengths differ.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
