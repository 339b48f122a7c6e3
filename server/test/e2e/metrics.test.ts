import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadConfig } from "../../src/config/config.js";
import { type Running, start } from "../../src/main.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

const TOKEN = "hr_metrics_test_token_0123456789";

/** `/metrics` of a whole process (API and worker, as `npm start` runs them). */
describe("metrics", () => {
  let running: Running;
  let receiver: Receiver;
  let dataDir: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return res;
  };
  const value = (text: string, series: string): number | undefined => {
    const line = text.split("\n").find((l) => l.startsWith(series + " "));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  /** `/metrics` once `series` reads `expected` (or after 2.5 s, for the assertion to report). */
  const scrapeUntil = async (url: string, series: string, expected: number): Promise<string> => {
    let text = "";
    for (let tries = 0; tries < 50; tries++) {
      text = await (await fetch(`${url}/metrics`)).text();
      if (value(text, series) === expected) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return text;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-metrics-"));
    receiver = await startReceiver();
    const config = loadConfig(
      {},
      { dataDir, port: 0, host: "127.0.0.1", adminToken: TOKEN, logLevel: "silent", allowPrivateNetworks: "127.0.0.0/8" },
    );
    running = await start(config, () => undefined);
  });

  afterAll(async () => {
    await running.close();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts messages created, delivery attempts by outcome, and the queue backlog", async () => {
    await api("POST", "/api/v1/app", { name: "M", uid: "m" });
    await api("POST", "/api/v1/app/m/endpoint", { url: receiver.url });
    // A second endpoint whose deliveries are scheduled, not due: they are not backlog.
    await api("POST", "/api/v1/app", { name: "Later", uid: "later" });
    await api("POST", "/api/v1/app/later/endpoint", { url: receiver.url });
    await api("POST", "/api/v1/app/later/msg", {
      eventType: "a.b",
      payload: {},
      deliverAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    for (let i = 0; i < 3; i++) await api("POST", "/api/v1/app/m/msg", { eventType: "a.b", payload: { i } });
    await receiver.waitFor(3);

    // Attempts are counted when their results are recorded, just after the response arrives.
    const text = await scrapeUntil(running.url!, 'hookrelay_delivery_attempts_total{outcome="success"}', 3);
    expect(value(text, "hookrelay_messages_created_total")).toBe(4);
    expect(value(text, 'hookrelay_delivery_attempts_total{outcome="success"}')).toBe(3);
    expect(value(text, "hookrelay_delivery_duration_seconds_count")).toBe(3);
    expect(value(text, "hookrelay_deliveries_due")).toBe(0);
    expect(value(text, "hookrelay_delivery_lag_seconds")).toBe(0);
    // Every message was expanded into its deliveries by the worker, the lag from commit measured (ADR 0022).
    expect(value(text, "hookrelay_messages_expanded_total")).toBe(4);
    expect(value(text, "hookrelay_fanout_lag_seconds_count")).toBe(4);
  });

  it("are served by a worker-only process on HOOKRELAY_WORKER_PORT, with its own delivery counters", async () => {
    const shared = mkdtempSync(join(tmpdir(), "hookrelay-metrics-split-"));
    const base = { dataDir: shared, host: "127.0.0.1", adminToken: TOKEN, logLevel: "silent", allowPrivateNetworks: "127.0.0.0/8" } as const;
    const apiOnly = await start(loadConfig({}, { ...base, port: 0, role: "api" }), () => undefined);
    const workerOnly = await start(loadConfig({}, { ...base, role: "worker", workerPort: 0 }), () => undefined);
    try {
      const call = (path: string, body: unknown) =>
        fetch(`${apiOnly.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      await call("/api/v1/app", { name: "S", uid: "s" });
      await call("/api/v1/app/s/endpoint", { url: receiver.url });
      const before = receiver.received.length;
      await call("/api/v1/app/s/msg", { eventType: "a.b", payload: {} });
      await receiver.waitFor(before + 1);

      expect((await fetch(`${workerOnly.url}/api/v1/health`)).status).toBe(204);
      // The health report shows the heartbeat of the worker that runs in the process answering.
      const workerReport = (await (await fetch(`${workerOnly.url}/healthz`)).json()) as { worker: { lastClaimRoundAt: string } };
      expect(workerReport).toMatchObject({ status: "ok", worker: { inProcess: true, stale: false } });
      expect(Date.now() - Date.parse(workerReport.worker.lastClaimRoundAt)).toBeLessThan(5_000);
      const apiReport = await (await fetch(`${apiOnly.url}/healthz`)).json();
      expect(apiReport).toMatchObject({ status: "ok", worker: { inProcess: false, detail: "not in this process" } });
      // …and, from the shared database, the worker of the other process.
      expect(apiReport).toMatchObject({ workers: { fresh: 1, stale: 0, instances: [{ pid: process.pid, stale: false }] } });
      expect((await fetch(`${workerOnly.url}/api/v1/app`)).status).toBe(404); // no API here
      const text = await scrapeUntil(workerOnly.url!, 'hookrelay_delivery_attempts_total{outcome="success"}', 1);
      expect(value(text, 'hookrelay_delivery_attempts_total{outcome="success"}')).toBe(1);
      expect(value(text, "hookrelay_deliveries_due")).toBe(0);
    } finally {
      await workerOnly.close();
      await apiOnly.close();
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
