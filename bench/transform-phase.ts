/**
 * Bench phase "transformation": delivery throughput to an endpoint with a trivial transformation
 * (ADR 16) next to plain delivery, in the same run and on the same store. For each kind, the API
 * alone (HOOKRELAY_ROLE=api) queues `messages` messages for one endpoint, then a worker-only
 * process drains them to a local receiver; the figure is deliveries per second over the drain.
 * `--phase transform` runs only this one (`--transform-messages`, default 5,000; nothing
 * appended to RESULTS.md).
 */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface TransformPhaseDeps {
  start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }>;
  stop(child: ChildProcess): Promise<void>;
  env: Record<string, string>;
  token: string;
  messages: number;
}

// The smallest useful change: one field added, the rest passed through.
const TRIVIAL = "function handler(webhook) { webhook.payload.seen = true; return webhook; }";
const PAYLOAD = { id: "ord_1", customer: { name: "A. Customer", email: "a@example.com" }, note: "x".repeat(860) };
const DEADLINE_MS = 180_000;

export async function transformPhase(deps: TransformPhaseDeps): Promise<Record<string, number | string>> {
  let received = 0;
  let transformed = 0;
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received++;
      if (body.includes('"seen":true')) transformed++;
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const results: Record<string, number | string> = { transformMessages: deps.messages };
  try {
    for (const kind of ["plain", "transformed"] as const) {
      const api = await deps.start({ ...deps.env, HOOKRELAY_ROLE: "api" });
      const call = async (method: string, path: string, body: unknown) => {
        const r = await fetch(api.url + path, {
          method,
          headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      };
      await call("POST", "/api/v1/app", { name: kind, uid: `xf-${kind}` });
      await call("POST", `/api/v1/app/xf-${kind}/endpoint`, { url, uid: "main" });
      if (kind === "transformed") {
        await call("PATCH", `/api/v1/app/xf-${kind}/endpoint/main/transformation`, { code: TRIVIAL, enabled: true });
      }
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < deps.messages) {
            next++;
            await call("POST", `/api/v1/app/xf-${kind}/msg`, { eventType: "order.created", payload: PAYLOAD });
          }
        }),
      );
      await deps.stop(api.child);

      received = 0;
      transformed = 0;
      const worker = await deps.start({ ...deps.env, HOOKRELAY_ROLE: "worker" });
      let started = 0;
      const deadline = Date.now() + DEADLINE_MS;
      while (received < deps.messages && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        if (received > 0 && started === 0) started = performance.now();
      }
      const seconds = (performance.now() - started) / 1000;
      await deps.stop(worker.child);
      results[`${kind}Delivered`] = received;
      results[`${kind}Rps`] = Math.round(received / seconds);
      if (kind === "transformed") results.transformedBodies = transformed;
    }
    results.transformRatio = (Number(results.transformedRps) / Number(results.plainRps)).toFixed(2);
  } finally {
    receiver.close();
  }
  return results;
}

/** The phase's rows for the RESULTS.md table (none when it did not run). */
export function transformReportLines(r: Record<string, number | string>): string[] {
  if (r.plainRps === undefined) return [];
  return [
    `| deliveries of ${r.transformMessages} messages to one endpoint, plain | ${r.plainRps} deliveries/s (${r.plainDelivered} delivered) |`,
    `| the same with a trivial transformation (QuickJS sandbox per delivery) | ${r.transformedRps} deliveries/s (${r.transformedDelivered} delivered, ${r.transformedBodies} transformed) |`,
    `| **transformation ratio** (to plain) | **${r.transformRatio}** |`,
  ];
}
