import { connect, type Socket } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";

/**
 * Finding 8: slow senders used to keep their sockets forever. These tests use real sockets on a
 * listening server, since `inject()` has no socket to time out.
 */
describe("socket timeouts and the connection cap", () => {
  let t: TestApp;
  let port: number;
  const open: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp({ requestTimeoutMs: 1_000, headersTimeoutMs: 1_000, keepAliveTimeoutMs: 300, maxConnections: 30 });
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await t?.close();
  });

  /** A connected socket that records what it receives and when it is closed. */
  async function socket(): Promise<{ s: Socket; received: () => string; closed: Promise<number> }> {
    const s = connect(port, "127.0.0.1");
    open.push(s);
    let data = "";
    s.on("data", (d: Buffer) => (data += d.toString()));
    s.on("error", () => undefined);
    const started = Date.now();
    const closed = new Promise<number>((resolve) => s.on("close", () => resolve(Date.now() - started)));
    await new Promise<void>((resolve, reject) => {
      s.once("connect", resolve);
      s.once("error", reject);
    });
    return { s, received: () => data, closed };
  }

  /** Writes one byte every `everyMs` until the socket closes. */
  function dribble(s: Socket, everyMs: number): void {
    const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write("a")), everyMs);
    s.on("close", () => clearInterval(timer));
  }

  const within = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(-1), ms));

  it("closes 20 unauthenticated sockets that dribble a body, once the request timeout passes", async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => socket()));
    for (const { s } of sockets) {
      s.write("POST /api/v1/app HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
      dribble(s, 100);
    }
    const times = await Promise.all(sockets.map(({ closed }) => Promise.race([closed, within(5_000)])));
    for (const ms of times) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(3_000);
    }
  });

  it("closes a socket that dribbles its headers", async () => {
    const { s, closed } = await socket();
    s.write("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    dribble(s, 100);
    const ms = await Promise.race([closed, within(5_000)]);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(3_000);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout", async () => {
    const { s, received, closed } = await socket();
    s.write("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    const ms = await Promise.race([closed, within(5_000)]);
    expect(received()).toMatch(/^HTTP\/1\.1 204/);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2_000);
  });

  it("drops connections past the cap and accepts again once sockets are released", async () => {
    const held = await Promise.all(Array.from({ length: 30 }, () => socket()));
    // Node accepts and at once destroys connections over server.maxConnections.
    const extra = await socket();
    expect(await Promise.race([extra.closed, within(2_000)])).toBeGreaterThanOrEqual(0);
    expect(extra.received()).toBe("");
    for (const { s } of held) s.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(res.status).toBe(204);
  });
});
