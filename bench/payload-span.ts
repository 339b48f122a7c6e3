/**
 * `node --import tsx bench/payload-span.ts` — what carrying a message payload exactly costs per
 * request (ADR 13), in one process with no I/O, so a shared machine's noise matters less than in
 * the HTTP bench. For the bench's own body (≈1 KB) and a 64 KB one:
 *
 * - before: `JSON.parse` of the body, then `JSON.stringify` of its payload (what was stored);
 * - after: `JSON.parse` of the body (the envelope is still validated from it), then
 *   `memberValueText` (jsonc-parser, strict) to take the payload's text as sent.
 *
 * Prints microseconds per body for each and the difference.
 */
import { memberValueText } from "../server/src/lib/json-member.js";

const small = JSON.stringify({
  eventType: "order.created",
  payload: { id: "ord_1", customer: { name: "A. Customer", email: "a@example.com" }, note: "x".repeat(860) },
});
const items = Array.from({ length: 400 }, (_, i) => ({
  sku: `sku_${i}`,
  qty: i % 7,
  price: "12.30",
  tags: ["a", "b"],
}));
const large = JSON.stringify({ eventType: "order.created", payload: { id: "ord_2", items } });

function perCall(fn: () => unknown, ms = 1500): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
  }
  return ((performance.now() - started) * 1000) / n;
}

for (const [name, body] of [
  [`bench body (${small.length} B)`, small],
  [`large body (${large.length} B)`, large],
] as const) {
  const before = perCall(() => JSON.stringify((JSON.parse(body) as { payload: unknown }).payload));
  const after = perCall(() => {
    JSON.parse(body);
    return memberValueText(body, "payload");
  });
  const span = perCall(() => memberValueText(body, "payload"));
  process.stdout.write(
    `${name}: before ${before.toFixed(2)} µs, after ${after.toFixed(2)} µs (span alone ${span.toFixed(2)} µs), +${(after - before).toFixed(2)} µs\n`,
  );
}
