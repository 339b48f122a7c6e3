import { hostname } from "node:os";

import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { ApiClient } from "../support/load.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { startTrackingReceiver, type TrackingReceiver } from "../support/tracking-receiver.js";

/**
 * SIGTERM while deliveries are in flight: the instance stops claiming, records the sends that
 * finish within HOOKRELAY_SHUTDOWN_GRACE_MS, hands the rest back to the queue and exits 0,
 * leaving no row leased in its name — so another instance delivers the rest at once instead
 * of after a lease expiry.
 */
describe.skipIf(!TEST_POSTGRES_URL)("graceful shutdown on PostgreSQL (SIGTERM)", () => {
  let schema: PgSchema | undefined;
  let receiver: TrackingReceiver | undefined;
  const servers: ServerProcess[] = [];

  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
      s.cleanup();
    }
    await receiver?.close();
    await schema?.drop();
  });

  async function query<T extends Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    const db = new Client({ connectionString: schema!.url });
    await db.connect();
    try {
      return (await db.query<T>(text, values)).rows;
    } finally {
      await db.end();
    }
  }

  it("finishes or releases in-flight deliveries and leaves no lease behind", async () => {
    schema = await createPgSchema(TEST_POSTGRES_URL!);
    // Half the answers come in 200 ms (within the grace period), half in 8 s (beyond it).
    let n = 0;
    let slowMs = 8_000;
    receiver = await startTrackingReceiver({ delayMs: () => (n++ % 2 === 0 ? 200 : slowMs) });
    const env = {
      DATABASE_URL: schema.url,
      HOOKRELAY_SHUTDOWN_GRACE_MS: "1500",
      HOOKRELAY_DELIVERY_TIMEOUT_MS: "10000",
      // Long leases: a row left leased would stay stuck for the rest of the test.
      HOOKRELAY_LEASE_MARGIN_MS: "60000",
    };
    const first = await startServer({ env });
    servers.push(first);
    const api = new ApiClient(first.url, first.token, 8);
    expect((await api.post("/api/v1/app", { name: "Term", uid: "term" })).status).toBe(201);
    expect((await api.post("/api/v1/app/term/endpoint", { url: receiver.url + "/t" })).status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await api.post<{ id: string }>("/api/v1/app/term/msg", {
        eventType: "term.test",
        payload: { i },
      });
      expect(r.status).toBe(202);
      ids.push(r.body.id);
    }
    await api.close();
    const deadline = Date.now() + 10_000;
    while (receiver.total() < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.total()).toBe(40);

    const owner = `${hostname()}:${first.child.pid}:%`;
    const leasedBefore = await query<{ n: number }>(
      "select count(*)::int as n from deliveries where lease_owner like $1",
      [owner],
    );
    expect(leasedBefore[0]!.n).toBeGreaterThan(0);

    const started = Date.now();
    expect(await first.stop()).toBe(0);
    // Grace period plus the writes, far from the 8 s the slow sends would have taken.
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(first.output()).toContain("SIGTERM received");

    expect(await query("select id from deliveries where lease_owner like $1", [owner])).toEqual([]);
    expect(await query("select id from deliveries where status = 3")).toEqual([]);
    const byStatus = await query<{ status: number; n: number }>(
      "select status, count(*)::int as n from deliveries group by status order by status",
    );
    // The quick half was recorded as delivered; the slow half went back to pending, due now.
    expect(byStatus).toEqual([
      { status: 0, n: 20 },
      { status: 1, n: 20 },
    ]);

    // The next instance sends the released half at once: no lease to wait out.
    slowMs = 0;
    const second = await startServer({ env });
    servers.push(second);
    const until = Date.now() + 10_000;
    while (ids.some((id) => !receiver!.has(id, "/t")) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    const pending = async () =>
      (await query<{ n: number }>("select count(*)::int as n from deliveries where status <> 0"))[0]!.n;
    while ((await pending()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await pending()).toBe(0);
    expect(await second.stop()).toBe(0);
  }, 60_000);
});
