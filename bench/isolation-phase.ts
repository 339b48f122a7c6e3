/**
 * Bench phase "isolation": one Hookrelay process (API and worker) with a backlog of deliveries
 * to an endpoint that accepts connections and never answers, queued first, and deliveries to a
 * healthy endpoint of another application queued right after. The figure is how long the
 * healthy ones take to arrive: without the per-endpoint cap every worker slot waits out the
 * 15 s delivery timeout on the hanging endpoint first. `--isolation-cap N` sets
 * HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT for the run (10000 shows the uncapped behaviour).
 */
import type { ChildProcess } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";

export interface IsolationPhaseDeps {
  start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }>;
  stop(child: ChildProcess): Promise<void>;
  env: Record<string, string>;
  token: string;
  hanging: number;
  healthy: number;
  /** HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT for the run; undefined = the default. */
  cap?: number | undefined;
}

const DEADLINE_MS = 50_000;

export async function isolationPhase(deps: IsolationPhaseDeps): Promise<Record<string, number | string>> {
  const sockets = new Set<Socket>();
  const hang = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.resume();
  });
  const arrivals = new Map<string, number>();
  const healthy = createHttpServer((req, res) => {
    arrivals.set(String(req.headers["webhook-id"]), performance.now());
    req.resume();
    res.end("ok");
  });
  await new Promise<void>((r) => hang.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => healthy.listen(0, "127.0.0.1", r));
  const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;

  const env = { ...deps.env, ...(deps.cap !== undefined ? { HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT: String(deps.cap) } : {}) };
  const hr = await deps.start(env);
  const call = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const r = await fetch(hr.url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  const send = async (app: string, count: number, sent: Map<string, number>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          next++;
          const at = performance.now();
          const msg = await call(`/api/v1/app/${app}/msg`, { eventType: "bench.isolation", payload: { n: next } });
          sent.set(msg.id as string, at);
        }
      }),
    );
  };
  try {
    await call("/api/v1/app", { name: "Hanging", uid: "hanging" });
    await call("/api/v1/app/hanging/endpoint", { url: `http://127.0.0.1:${port(hang)}/never` });
    await call("/api/v1/app", { name: "Healthy", uid: "healthy" });
    await call("/api/v1/app/healthy/endpoint", { url: `http://127.0.0.1:${port(healthy)}/ok` });

    await send("hanging", deps.hanging, new Map());
    const sent = new Map<string, number>();
    const started = performance.now();
    await send("healthy", deps.healthy, sent);
    const deadline = started + DEADLINE_MS;
    while (arrivals.size < deps.healthy && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const latencies = [...sent].map(([id, at]) => (arrivals.get(id) ?? Number.NaN) - at).sort((a, b) => a - b);
    const lastArrival = Math.max(...arrivals.values());
    return {
      isolationCap: deps.cap ?? "default (64)",
      isolationHanging: deps.hanging,
      isolationHealthyArrived: `${arrivals.size} of ${deps.healthy}`,
      isolationAllHealthyS: arrivals.size < deps.healthy ? `> ${DEADLINE_MS / 1000}` : ((lastArrival - started) / 1000).toFixed(2),
      isolationMaxLatencyMs: arrivals.size < deps.healthy ? "n/a" : Math.round(latencies[latencies.length - 1]!),
      isolationHangingConnections: sockets.size,
    };
  } finally {
    await deps.stop(hr.child);
    for (const s of sockets) s.destroy();
    await new Promise((r) => hang.close(r));
    healthy.closeAllConnections();
    await new Promise((r) => healthy.close(r));
  }
}

/** The phase's lines for the report table. */
export function isolationReportLines(r: Record<string, number | string>): string[] {
  return [
    `| isolation: ${r.isolationHanging} deliveries to a hanging endpoint queued first, then healthy ones (cap ${r.isolationCap}) | ${r.isolationHealthyArrived} healthy arrived; all within ${r.isolationAllHealthyS} s of the first send, worst ${r.isolationMaxLatencyMs} ms after its own; ${r.isolationHangingConnections} connections held by the hanging endpoint |`,
  ];
}
