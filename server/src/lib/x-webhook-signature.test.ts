import { createHmac, timingSafeEqual } from "node:crypto";

import { describe, expect, it } from "vitest";

import { parseTimestamped, signTimestamped, timestampedHmac, timestampedMatches } from "./x-webhook-signature.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PREVIOUS = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const BODY = '{"type":"transaction.completed","amount":1000}';
// Computed outside this code base: python3 hmac.new(b"whsec_…", b"1700000000.{…}", sha256).hexdigest()
const VECTOR = "8edf09ac1c3e64ec0f979de16ef90dd1c438168713de260d8e6c642d05224812";
const VECTOR_PREVIOUS = "3715320a2d4a071a505e4495787837c041516de2513c499ea39939edac31c8f3";

/** Seed 003's receiver (docs of the wallet), with its window read in seconds as `t=<unix>` is. */
function seedVerifyWebhook(payload: unknown, signature: string, secret: string, nowMs: number): boolean {
  const parts = signature.split(",");
  const timestamp = parts[0]!.split("=")[1]!;
  const receivedSig = parts[1]!.split("=")[1]!;
  if (nowMs / 1000 - parseInt(timestamp) > 300) return false;
  const message = `${timestamp}.${JSON.stringify(payload)}`;
  const expectedSig = createHmac("sha256", secret).update(message).digest("hex");
  return timingSafeEqual(Buffer.from(receivedSig), Buffer.from(expectedSig));
}

describe("X-Webhook-Signature (t=…,v1=…)", () => {
  it("signs the fixed vector: hex HMAC-SHA256 of {t}.{body} keyed with the secret's text", () => {
    expect(timestampedHmac(SECRET, 1700000000, BODY)).toBe(VECTOR);
    expect(signTimestamped(1700000000, BODY, [SECRET])).toBe(`t=1700000000,v1=${VECTOR}`);
  });

  it("puts one v1 per live secret, current first, so the seed's receiver (first v1) keeps working", () => {
    const header = signTimestamped(1700000000, BODY, [SECRET, PREVIOUS]);
    expect(header).toBe(`t=1700000000,v1=${VECTOR},v1=${VECTOR_PREVIOUS}`);
    expect(seedVerifyWebhook(JSON.parse(BODY), header, SECRET, 1700000000_000)).toBe(true);
    expect(seedVerifyWebhook(JSON.parse(BODY), header, PREVIOUS, 1700000000_000)).toBe(false);
    expect(seedVerifyWebhook(JSON.parse(BODY), header, SECRET, 1700000400_000)).toBe(false);
  });

  it("parses and matches", () => {
    expect(parseTimestamped(`t=1700000000, v1=${VECTOR},v1=${VECTOR_PREVIOUS},v0=x`)).toEqual({ timestamp: "1700000000", signatures: [VECTOR, VECTOR_PREVIOUS] });
    expect(parseTimestamped("garbage")).toEqual({ timestamp: null, signatures: [] });
    expect(timestampedMatches(SECRET, "1700000000", BODY, VECTOR)).toBe(true);
    expect(timestampedMatches(SECRET, "1700000000", BODY, VECTOR.toUpperCase())).toBe(true);
    expect(timestampedMatches(SECRET, "1700000001", BODY, VECTOR)).toBe(false);
    expect(timestampedMatches(SECRET, "1700000000", `${BODY} `, VECTOR)).toBe(false);
    expect(timestampedMatches(SECRET, "1700000000", BODY, "abc")).toBe(false);
  });
});
