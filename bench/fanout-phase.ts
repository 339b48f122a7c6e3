/**
 * Bench phase "fan-out" (ADR 0022): message create latency with 1 endpoint and with `endpoints`
 * (10,000) matching endpoints in the application, alternating so a drift of the shared machine
 * falls on both, through an API-only process (the request no longer writes delivery rows); then
 * how long a worker takes to expand one message into `endpoints` deliveries, from the message's
 * commit to its `expanded_at` (both stamped by the server). `npm run bench -- --phase fanout
 * [--fanout-endpoints 10000] [--fanout-samples 200]`.
 */
import type { ChildProcess } from "node:child_process";

import { sql } from "kysely";

import { openStore } from "../server/src/store/database.js";

export interface FanoutPhaseDeps {
  start(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }>;
  stop(child: ChildProcess): Promise<void>;
  /** A fresh store: the servers' env, and what the bench opens itself to read the timings. */
  store: { env: Record<string, string>; dataDir: string; databaseUrl: string | undefined };
  token: string;
  endpoints: number;
  samples: number;
}

export async function fanoutPhase(deps: FanoutPhaseDeps): Promise<Record<string, number | string>> {
  const api = await deps.start({ ...deps.store.env, HOOKRELAY_ROLE: "api" });
  const call = async (url: string, path: string, body: unknown): Promise<{ id: string }> => {
    const r = await fetch(url + path, {
      method: "POST",
      headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  // A closed port: only the rows are measured; the worker is stopped before their retries.
  const endpoint = { url: "http://127.0.0.1:9/", filterTypes: ["bench.fanout"] };
  await call(api.url, "/api/v1/app", { name: "Fan-out one", uid: "fan-one" });
  await call(api.url, "/api/v1/app/fan-one/endpoint", endpoint);
  await call(api.url, "/api/v1/app", { name: "Fan-out many", uid: "fan-many" });
  let made = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (made < deps.endpoints) {
        made++;
        await call(api.url, "/api/v1/app/fan-many/endpoint", endpoint);
      }
    }),
  );
  const body = { eventType: "bench.fanout", payload: { id: "ord_1", note: "x".repeat(900) } };
  const latencies: Record<"one" | "many", number[]> = { one: [], many: [] };
  for (let i = 0; i < deps.samples + 20; i++) {
    for (const app of ["one", "many"] as const) {
      const started = performance.now();
      await call(api.url, `/api/v1/app/fan-${app}/msg`, body);
      if (i >= 20) latencies[app].push(performance.now() - started);
    }
  }
  await deps.stop(api.child);

  const store = await openStore({ dataDir: deps.store.dataDir, databaseUrl: deps.store.databaseUrl });
  try {
    // The latency samples are not what is measured next: set aside as already expanded.
    await sql`UPDATE messages SET expanded_at = created_at WHERE expanded_at IS NULL`.execute(store.db);
    const worker = await deps.start({ ...deps.store.env, HOOKRELAY_ROLE: "all" });
    const { id } = await call(worker.url, "/api/v1/app/fan-many/msg", body);
    const deadline = Date.now() + 300_000;
    let row: { created_at: number | string; expanded_at: number | string | null } | undefined;
    while (Date.now() < deadline) {
      row = await store.db.selectFrom("messages").select(["created_at", "expanded_at"]).where("id", "=", id).executeTakeFirst();
      if (row?.expanded_at != null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await deps.stop(worker.child);
    if (row?.expanded_at == null) throw new Error("the message was not expanded within 5 minutes");
    const rows = await sql<{ n: number | string }>`SELECT COUNT(*) AS n FROM deliveries WHERE msg_id = ${id}`.execute(store.db);
    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      fanoutEndpoints: deps.endpoints,
      fanoutCreateP50OneMs: Number(p50(latencies.one).toFixed(2)),
      fanoutCreateP50ManyMs: Number(p50(latencies.many).toFixed(2)),
      fanoutCreateRatio: (p50(latencies.many) / p50(latencies.one)).toFixed(2),
      fanoutExpandMs: Number(row.expanded_at) - Number(row.created_at),
      fanoutDeliveryRows: Number(rows.rows[0]!.n),
    };
  } finally {
    await store.close();
  }
}
