import { Svix } from "svix";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";

import { createPgSchema, describeEachStore, type PgSchema, type StoreKind, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type FifoAnswer, type FifoReceiver, startFifoReceiver } from "../support/fifo-receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// One-second retries (the receiver fails with 500: a 503 asks to slow down, which waits 30 s), leases that run out 2.5 s after a kill, and no circuit breaker (its
// opening would hold deliveries too, and this is about FIFO alone).
const ENV = {
  HOOKRELAY_RETRY_SCHEDULE: "1,1,1,1,1",
  HOOKRELAY_DELIVERY_TIMEOUT_MS: "2000",
  HOOKRELAY_LEASE_MARGIN_MS: "500",
  HOOKRELAY_CIRCUIT_FAILURE_THRESHOLD: "0",
  HOOKRELAY_CIRCUIT_FAILURE_RATE_PERCENT: "0",
};

/** Servers and schemas of one suite, stopped and dropped after it. */
function harness(kind: StoreKind) {
  const servers: ServerProcess[] = [];
  let schema: PgSchema | undefined;
  const receivers: FifoReceiver[] = [];
  afterAll(async () => {
    for (const s of servers) {
      if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
      s.cleanup();
    }
    for (const r of receivers) await r.close();
    await schema?.drop();
  });
  return {
    receiver: async (answer: FifoAnswer) => {
      const r = await startFifoReceiver(SECRET, answer);
      receivers.push(r);
      return r;
    },
    /** A server on this suite's store; `like` restarts on the data of an earlier one. */
    start: async (env: Record<string, string> = {}, like?: ServerProcess) => {
      if (kind === "postgres" && !schema) schema = await createPgSchema(TEST_POSTGRES_URL!);
      const server = await startServer({
        env: { ...ENV, ...env, ...(schema ? { DATABASE_URL: schema.url } : {}) },
        ...(like && kind === "sqlite" ? { dataDir: like.dataDir } : {}),
      });
      servers.push(server);
      return server;
    },
  };
}

async function call(server: ServerProcess, method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
  const res = await request(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** An application and a FIFO endpoint (the SDK does not know the `fifo` field: a plain request). */
async function fifoEndpoint(server: ServerProcess, url: string, app: string): Promise<{ svix: Svix; endpointId: string }> {
  const svix = new Svix(server.token, { serverUrl: server.url });
  await svix.application.create({ name: "Fifo", uid: app });
  const ep = await call(server, "POST", `/api/v1/app/${app}/endpoint`, { url, uid: "ordered", fifo: true, secret: SECRET });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  return { svix, endpointId: ep.body.id as string };
}

const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describeEachStore("FIFO endpoints, end to end (%s)", (kind) => {
  const h = harness(kind);

  it("delivers in strict message order across retries and a SIGKILL of the server, each message once", async () => {
    const COUNT = 12;
    const KILL_AT = 6;
    let killed = false;
    // Messages 1, 4, 7, 10 fail twice; message 6's first attempt is held open while the server is killed.
    const receiver = await h.receiver((i, n) => {
      if (i === KILL_AT && n === 1 && !killed) return "hold";
      return i % 3 === 1 && n <= 2 ? 500 : 200;
    });
    const first = await h.start();
    const { svix } = await fifoEndpoint(first, receiver.url, "fifo");
    const held = receiver.held();
    const ids: string[] = [];
    for (const i of range(COUNT)) ids.push((await svix.message.create("fifo", { eventType: "fifo.test", payload: { i } })).id);
    expect(sorted(ids.map((_, i) => i))).toEqual(range(COUNT));
    expect([...ids].sort()).toEqual(ids); // message order = id order

    await held;
    killed = true;
    await first.kill();
    const second = await h.start({}, first);
    await receiver.waitDelivered(COUNT, 60_000);
    await new Promise((r) => setTimeout(r, 1_500)); // nothing more arrives

    const arrivals = receiver.attempts.map((a) => a.i);
    expect(arrivals, "a later message never arrives before an earlier one").toEqual(sorted(arrivals));
    expect(receiver.delivered(), "each message delivered once, in order").toEqual(range(COUNT));
    expect(receiver.attempts.filter((a) => a.answered && a.status === 200).map((a) => a.msgId)).toEqual(ids);
    expect(receiver.maxConcurrent).toBe(1);
    expect(receiver.unverified).toBe(0);
    for (const i of [1, 4, 7, 10]) expect(receiver.attempts.filter((a) => a.i === i).map((a) => a.status)).toEqual([500, 500, 200]);
    expect(receiver.attempts.filter((a) => a.i === KILL_AT).map((a) => [a.status, a.answered])).toEqual([[0, false], [200, true]]);
    await second.stop();
  }, 120_000);

  it("an exhausted head lets the next go; a failing one holds the rest until skipped; a resent older message goes first", async () => {
    const failing = new Set([0, 2]);
    const receiver = await h.receiver((i) => (failing.has(i) ? 500 : 200));
    const server = await h.start({ HOOKRELAY_RETRY_SCHEDULE: "1,1" });
    const { svix, endpointId } = await fifoEndpoint(server, receiver.url, "held");
    const ids: string[] = [];
    const send = async (i: number) => ids.push((await svix.message.create("held", { eventType: "fifo.test", payload: { i } })).id);
    await send(0);
    await send(1);
    await receiver.waitDelivered(1, 30_000);
    // Message 0 used its three attempts (one plus two retries) before message 1 went.
    expect(receiver.attempts.map((a) => [a.i, a.status])).toEqual([[0, 500], [0, 500], [0, 500], [1, 200]]);

    // From now on a failure waits an hour: message 2 holds message 3.
    expect((await call(server, "PUT", "/api/v1/app/held/endpoint/ordered/retry-schedule", { retrySchedule: [3600] })).status).toBe(200);
    await send(2);
    await send(3);
    const deadline = Date.now() + 20_000;
    while (!receiver.attempts.some((a) => a.i === 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.attempts.some((a) => a.i === 3), "message 3 is held").toBe(false);
    const status = (await call(server, "GET", "/api/v1/app/held/endpoint/ordered/fifo")).body;
    expect(status).toMatchObject({ fifo: true, waiting: 2, head: { msgId: ids[2], status: "pending", attempts: 1, lastStatusCode: 500 } });
    expect((status.head as { failingSince: string | null }).failingSince).not.toBeNull();

    // Resending the older message 1 puts it back at its place in the order: before the held head.
    await svix.messageAttempt.resend("held", ids[1]!, endpointId);
    await receiver.waitDelivered(2, 20_000);
    expect(receiver.attempts.some((a) => a.i === 3)).toBe(false);

    // The receiver answered before the worker wrote the result: wait until message 2 heads the queue again.
    const headIs = async (msgId: string) =>
      ((await call(server, "GET", "/api/v1/app/held/endpoint/ordered/fifo")).body.head as { msgId: string } | null)?.msgId === msgId;
    for (let n = 0; n < 100 && !(await headIs(ids[2]!)); n++) await new Promise((r) => setTimeout(r, 50));
    const skipped = await call(server, "POST", "/api/v1/app/held/endpoint/ordered/fifo/skip", { msgId: ids[2] });
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(200);
    await receiver.waitDelivered(3, 20_000);
    expect(receiver.delivered()).toEqual([1, 1, 3]);
    expect(receiver.maxConcurrent).toBe(1);
    expect(receiver.unverified).toBe(0);
    const attempts = await svix.messageAttempt.listByMsg("held", ids[2]!);
    expect(attempts.data.map((a) => a.responseStatusCode)).toEqual([500]);
    await server.stop();
  }, 120_000);
});

describe.skipIf(!TEST_POSTGRES_URL)("FIFO endpoints with two workers on one PostgreSQL", () => {
  const h = harness("postgres");

  it("never sends a FIFO endpoint's messages concurrently or out of order", async () => {
    const COUNT = 30;
    const receiver = await h.receiver((i, n) => (i % 4 === 2 && n === 1 ? 500 : 200));
    const servers = [await h.start(), await h.start()];
    const { svix } = await fifoEndpoint(servers[0]!, receiver.url, "fifo");
    const clients = [svix, new Svix(servers[1]!.token, { serverUrl: servers[1]!.url })];
    const ids: string[] = [];
    // Through both APIs, and both workers claim.
    for (const i of range(COUNT)) ids.push((await clients[i % 2]!.message.create("fifo", { eventType: "fifo.test", payload: { i } })).id);
    await receiver.waitDelivered(COUNT, 90_000);
    await new Promise((r) => setTimeout(r, 1_500));

    // The order is the message-id order (ids made by two processes sort by their millisecond first).
    const byId = [...ids].sort();
    const rank = (msgId: string) => byId.indexOf(msgId);
    const arrivals = receiver.attempts.map((a) => rank(a.msgId));
    expect(arrivals).toEqual(sorted(arrivals));
    expect(receiver.attempts.filter((a) => a.status === 200).map((a) => a.msgId)).toEqual(byId);
    expect(receiver.maxConcurrent).toBe(1);
    expect(receiver.unverified).toBe(0);
    // Both workers took part: each process counts the attempts it made.
    for (const server of servers) {
      const text = await (await request(`${server.url}/metrics`)).body.text();
      const attempts = text
        .split("\n")
        .filter((l) => l.startsWith("hookrelay_delivery_attempts_total"))
        .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
      expect(attempts, server.url).toBeGreaterThan(0);
    }
    for (const s of servers) await s.stop();
  }, 150_000);
});
