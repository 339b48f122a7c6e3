import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";

import type { HealthReportOut } from "../../contract/health.js";
import { Heartbeat } from "../../lib/heartbeat.js";
import { WorkerHeartbeatsRepository } from "../../store/worker-heartbeats-repository.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { registerDashboard } from "../dashboard.js";

describeEachStore("health report on %s", (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const report = async (app: TestApp, url = "/healthz") => {
    // No token: probes carry none.
    const res = await app.app.inject({ url });
    return { status: res.statusCode, type: String(res.headers["content-type"]), body: res.json<HealthReportOut>() };
  };

  it("reports the database, the queue's depth and age, and no worker in an API-only process", async () => {
    t = await startTestApp({}, kind);
    expect((await t.app.inject({ url: "/api/v1/health" })).statusCode).toBe(204); // Svix's, unchanged
    let r = await report(t);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({
      status: "ok",
      problems: [],
      database: { reachable: true },
      worker: { inProcess: false, detail: "not in this process" },
      workers: { fresh: 0, stale: 0, instances: [] },
      queue: { due: 0, oldestDueSeconds: 0, unexpanded: 0, oldestUnexpandedSeconds: 0 },
    });
    expect(r.body.database.latencyMs).toBeGreaterThanOrEqual(0);

    // Two messages to one endpoint, no worker: two messages committed, not yet expanded (ADR 0022)…
    const call = (url: string, payload: object) => t!.app.inject({ method: "POST", url, headers: t!.auth, payload });
    expect((await call("/api/v1/app", { name: "H", uid: "h" })).statusCode).toBe(201);
    expect((await call("/api/v1/app/h/endpoint", { url: "https://example.com/hook" })).statusCode).toBe(201);
    for (let i = 0; i < 2; i++) expect((await call("/api/v1/app/h/msg", { eventType: "a.b", payload: { i } })).statusCode).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 20));
    r = await report(t, "/api/v1/health/report");
    expect(r.body.queue).toMatchObject({ due: 0, unexpanded: 2 });
    expect(r.body.queue?.oldestUnexpandedSeconds).toBeGreaterThan(0);
    // …then the worker's fan-out step writes their deliveries: two due, nobody to send them.
    await t.expand();
    r = await report(t, "/api/v1/health/report");
    expect(r.status).toBe(200);
    expect(r.body.queue).toMatchObject({ unexpanded: 0, oldestUnexpandedSeconds: 0 });
    expect(r.body.queue?.due).toBe(2);
    expect(r.body.queue?.oldestDueSeconds).toBeGreaterThan(0);
    expect(r.body.queue?.oldestDueSeconds).toBeLessThan(30);
  });

  it("reports this process's worker heartbeat, and 503 once it is older than a delivery lease", async () => {
    const heartbeat = new Heartbeat();
    t = await startTestApp({ deliveryTimeoutMs: 1_000, leaseMarginMs: 1_000 }, kind, { heartbeat });
    let r = await report(t);
    expect(r.body.worker).toMatchObject({ inProcess: true, lastClaimRoundAt: null, stale: false });

    const at = Date.now() - 500;
    heartbeat.beat(at);
    r = await report(t);
    expect(r.status).toBe(200);
    expect(r.body.worker).toMatchObject({ inProcess: true, lastClaimRoundAt: new Date(at).toISOString(), stale: false });

    heartbeat.beat(Date.now() - 5_000); // past the 2 s lease
    r = await report(t);
    expect(r.status).toBe(503);
    expect(r.body.status).toBe("unhealthy");
    expect(r.body.worker).toMatchObject({ inProcess: true, stale: true });
    expect(r.body.problems).toEqual(["worker has not claimed for longer than a delivery lease"]);
  });

  it("lists every instance's workers from their heartbeats, and 503 once all of them are stale", async () => {
    t = await startTestApp({ deliveryTimeoutMs: 1_000, leaseMarginMs: 1_000 }, kind);
    const repo = new WorkerHeartbeatsRepository(t.store.db);
    const now = Date.now();
    const row = (owner: string, lastClaimAt: number | null) => ({
      owner,
      host: "h",
      pid: 7,
      started_at: now - 60_000,
      last_claim_at: lastClaimAt,
      reported_at: now,
    });
    await repo.report(row("w-old", now - 10_000));
    await repo.report(row("w-live", now - 100));
    let r = await report(t);
    expect(r.status).toBe(200);
    expect(r.body.workers).toMatchObject({
      fresh: 1,
      stale: 1,
      instances: [
        { owner: "w-live", host: "h", pid: 7, stale: false, lastClaimRoundAt: new Date(now - 100).toISOString() },
        { owner: "w-old", stale: true },
      ],
    });

    // The live one stops claiming: nothing drains the queue any more.
    await repo.report({ ...row("w-live", now - 5_000), reported_at: now + 1 });
    r = await report(t);
    expect(r.status).toBe(503);
    expect(r.body.problems).toEqual(["no worker instance has claimed within a delivery lease"]);
    expect(r.body.workers).toMatchObject({ fresh: 0, stale: 2 });

    // A cleanly stopped worker removes its row; an hour-old report is pruned.
    await repo.remove("w-live");
    expect(await repo.prune(now + 10)).toBe(1);
    r = await report(t);
    expect(r.status).toBe(200);
    expect(r.body.workers).toEqual({ fresh: 0, stale: 0, instances: [] });
  });

  it("answers 503 with the database unreachable, naming no host", async () => {
    t = await startTestApp({}, kind);
    await t.store.close();
    const r = await report(t);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: "unhealthy", problems: ["database unreachable"], database: { reachable: false, latencyMs: null }, workers: null, queue: null });
  });
});

describe("the dashboard's fallback", () => {
  it("answers probe paths with a JSON 404, not the SPA's index.html", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookrelay-dashboard-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>dashboard</title>");
    const app = Fastify();
    try {
      await registerDashboard(app, dir);
      const spa = await app.inject({ url: "/apps/app_1" });
      expect(spa.statusCode).toBe(200);
      expect(spa.headers["content-type"]).toMatch(/text\/html/);
      for (const url of ["/health", "/healthz", "/healthz/", "/readyz", "/livez", "/health/live"]) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json(), url).toMatchObject({ code: "not_found" });
      }
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
