import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { promisify } from "node:util";

import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient, type ApiResponse, sendMessages } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { startTrackingReceiver, type TrackingReceiver } from "../support/tracking-receiver.js";

/**
 * The local cluster to stop, as `pg_ctlcluster` names it ("15 main"); HOOKRELAY_TEST_PG_CLUSTER
 * overrides. Only when TEST_POSTGRES_URL is that cluster on loopback: a remote server is not
 * ours to stop, and the test is skipped.
 */
function localCluster(): [string, string] | undefined {
  if (!TEST_POSTGRES_URL) return undefined;
  const url = new URL(TEST_POSTGRES_URL);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || (url.port || "5432") !== "5432")
    return undefined;
  const named = process.env.HOOKRELAY_TEST_PG_CLUSTER?.split(/\s+/);
  if (named?.length === 2) return [named[0]!, named[1]!];
  if (!existsSync("/etc/postgresql") || !existsSync("/usr/bin/pg_ctlcluster")) return undefined;
  const version = readdirSync("/etc/postgresql").sort().pop();
  return version && existsSync(`/etc/postgresql/${version}/main`) ? [version, "main"] : undefined;
}

const cluster = localCluster();
const DOWN_MS = 2_500;

/**
 * Writes dirty pages out now, so the crash recovery after the immediate stop has little WAL to
 * replay and the server is back within a few seconds (best effort: needs a superuser).
 */
async function checkpoint(): Promise<void> {
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
    await admin.query("checkpoint");
  } catch {
    // not allowed or not reachable: the restart just takes longer
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Runs pg_ctlcluster without blocking this process: the receiver and the load generator live
 * here, and a blocked event loop would show up as slow API answers.
 */
async function pgCtl(action: "stop" | "start" | "status"): Promise<void> {
  const [version, name] = cluster!;
  const extra = action === "stop" ? ["-m", "immediate"] : [];
  await promisify(execFile)("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, action, ...extra], {
    timeout: 60_000,
  });
}

/** Starts the cluster; fine if it is already running (the stop may not have happened). */
async function ensureStarted(): Promise<void> {
  try {
    await pgCtl("start");
  } catch (error) {
    await pgCtl("status").catch(() => {
      throw error;
    });
  }
}

/**
 * PostgreSQL stopped with `-m immediate` (a crash, as far as clients can tell) for a few seconds
 * under load. While it is down the API answers 503 `{code: "service_unavailable", detail}` with
 * Retry-After within 5 s (fails fast instead of hanging); when it is back the same processes
 * serve again without a restart; every message acknowledged before, during (none can be) or
 * after the outage is delivered.
 *
 * It stops the real, shared server, so it runs alone, after every other suite (a project of
 * its own in vitest.config.ts), and keeps the outage short (2.5 s plus the restart).
 */
describe.skipIf(!cluster)("PostgreSQL outage under load", () => {
  let schema: PgSchema | undefined;
  let receiver: TrackingReceiver | undefined;
  let server: ServerProcess | undefined;
  let client: ApiClient | undefined;

  afterAll(async () => {
    await client?.close();
    if (server && server.child.exitCode === null && server.child.signalCode === null) await server.stop();
    server?.cleanup();
    await receiver?.close();
    await schema?.drop();
  });

  it("answers 503 quickly while PostgreSQL is down, recovers by itself and loses nothing", async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    receiver = await startTrackingReceiver();
    server = await startServer({ env: { DATABASE_URL: schema.url } });
    client = new ApiClient(server.url, server.token, 16);
    const api = client;
    expect((await api.post("/api/v1/app", { name: "Outage", uid: "outage" })).status).toBe(201);
    expect((await api.post("/api/v1/app/outage/endpoint", { url: receiver.url + "/o" })).status).toBe(201);

    let downAt = 0;
    let upAt = 0;
    // Background load all along; a failed request waits a little before the next.
    let stop = false;
    const slowest = { ms: 0 };
    const load = sendMessages({
      app: "outage",
      stop: () => stop,
      concurrency: 8,
      pick: () => api,
      pauseOnFailureMs: 50,
      onResponse: (r) => {
        slowest.ms = Math.max(slowest.ms, r.ms);
      },
    });
    await new Promise((r) => setTimeout(r, 2_000));

    const duringOutage: ApiResponse<{ code?: string; detail?: unknown }>[] = [];
    const health: number[] = [];
    await checkpoint();
    try {
      await pgCtl("stop");
      downAt = Date.now();
      while (Date.now() - downAt < DOWN_MS) {
        duringOutage.push(
          await api.post<{ code?: string; detail?: unknown }>("/api/v1/app/outage/msg", {
            eventType: "outage.probe",
            payload: {},
          }),
        );
        health.push((await api.get("/api/v1/health")).status);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await ensureStarted();
      upAt = Date.now();
    }

    // Down: every probe answered 503 JSON with Retry-After, each well within 5 s.
    expect(duringOutage.length).toBeGreaterThan(5);
    for (const r of duringOutage) {
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ code: "service_unavailable" });
      expect(typeof r.body.detail).toBe("string");
      // ApiError.serviceUnavailable's hint: clients come back in 5 s.
      expect(r.headers["retry-after"]).toBe("5");
      expect(r.ms).toBeLessThan(5_000);
    }
    expect(new Set(health)).toEqual(new Set([503]));

    // Up again: the same process serves without a restart.
    let recoveredAfter = -1;
    while (Date.now() - upAt < 30_000) {
      const r = await api.post("/api/v1/app/outage/msg", { eventType: "outage.probe", payload: {} });
      if (r.status === 202) {
        recoveredAfter = Date.now() - upAt;
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
    expect((await api.get("/api/v1/health")).status).toBe(204);

    await new Promise((r) => setTimeout(r, 2_000));
    stop = true;
    const sent = await load;
    // Nothing but 202 and 503, and nothing left hanging: every answer well within 5 s.
    expect([...sent.statuses.keys()].filter((s) => s !== 202 && s !== 503)).toEqual([]);
    expect(sent.errors).toBe(0);
    expect(slowest.ms).toBeLessThan(5_000);
    expect(sent.statuses.get(503) ?? 0).toBeGreaterThan(0);

    const deadline = Date.now() + 60_000;
    const missing = (): string[] => sent.acked.filter((id) => !receiver!.has(id, "/o"));
    while (missing().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(missing()).toEqual([]);
    console.log(
      `[outage] PostgreSQL down ${upAt - downAt} ms; ${duringOutage.length} probes answered 503 ` +
        `(slowest ${Math.max(...duringOutage.map((r) => r.ms)).toFixed(0)} ms); API recovered ${recoveredAfter} ms after start; ` +
        `${sent.acked.length} acknowledged, all delivered (${receiver.duplicates()} repeats); ` +
        `load answers: ${JSON.stringify(Object.fromEntries(sent.statuses))}, slowest ${slowest.ms.toFixed(0)} ms`,
    );
  }, 180_000);
});
