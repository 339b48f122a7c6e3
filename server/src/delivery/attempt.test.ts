import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";

import { generateSecret } from "../lib/standard-webhooks.js";
import { createAddressPolicy } from "./address-policy.js";
import { attemptDelivery, type AttemptInput, buildDeliveryHeaders, parseRetryAfter } from "./attempt.js";
import { DeliveryClient } from "./http-client.js";

interface Receiver {
  url: string;
  port: number;
  requests: { headers: IncomingMessage["headers"]; body: string }[];
  connections: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real loopback HTTP server recording every connection and request it gets. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const state: Receiver = { url: "", port: 0, requests: [], connections: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      handle(req, res);
    });
  });
  server.on("connection", (socket) => {
    state.connections++;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}/hook`;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return state;
}

function client(allow = ["127.0.0.0/8"]): DeliveryClient {
  const c = new DeliveryClient({ policy: createAddressPolicy(allow) });
  cleanups.push(() => c.close());
  return c;
}

const secret = generateSecret();

function input(url: string, overrides: Partial<AttemptInput> = {}): AttemptInput {
  return {
    url,
    body: '{"type":"invoice.paid","amount":42}',
    msgId: "msg_test",
    secrets: [secret],
    timeoutMs: 2_000,
    maxResponseBytes: 1024,
    now: Date.now(),
    ...overrides,
  };
}

describe("attemptDelivery", () => {
  it("succeeds on 200 with Standard Webhooks and Svix headers that verify", async () => {
    const r = await receiver((_req, res) => res.end("thanks"));
    const now = Date.now();
    const outcome = await attemptDelivery(client(), input(r.url, { now }));
    expect(outcome).toMatchObject({ kind: "success", statusCode: 200, response: "thanks", gone: false });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.retryAfterSeconds).toBeUndefined();

    const req = r.requests[0]!;
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["user-agent"]).toBe("Hookrelay/0.1");
    expect(req.headers["webhook-id"]).toBe("msg_test");
    expect(req.headers["webhook-timestamp"]).toBe(String(Math.floor(now / 1000)));
    expect(req.headers["svix-id"]).toBe(req.headers["webhook-id"]);
    expect(req.headers["svix-timestamp"]).toBe(req.headers["webhook-timestamp"]);
    expect(req.headers["svix-signature"]).toBe(req.headers["webhook-signature"]);
    const verified = new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
    expect(verified).toEqual({ type: "invoice.paid", amount: 42 });
  });

  it("signs with every secret so either verifies during a rotation", async () => {
    const r = await receiver((_req, res) => res.end());
    const old = generateSecret();
    await attemptDelivery(client(), input(r.url, { secrets: [secret, old] }));
    const req = r.requests[0]!;
    for (const s of [secret, old]) {
      expect(() => new Webhook(s).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
    }
  });

  it("adds custom headers but never lets them override signing or framing headers", async () => {
    const r = await receiver((_req, res) => res.end());
    await attemptDelivery(
      client(),
      input(r.url, {
        headers: {
          "X-Tenant": "acme",
          "Webhook-Signature": "v1,forged",
          "SVIX-ID": "msg_forged",
          "Content-Type": "text/plain",
          Host: "evil.example",
          "Content-Length": "1",
          Connection: "close",
          "Transfer-Encoding": "chunked",
          "x-bad": "a\r\nInjected: 1",
        },
      }),
    );
    const req = r.requests[0]!;
    expect(req.headers["x-tenant"]).toBe("acme");
    expect(req.headers["webhook-signature"]).not.toContain("forged");
    expect(req.headers["svix-id"]).toBe("msg_test");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.host).toBe(`127.0.0.1:${r.port}`);
    expect(req.headers.injected).toBeUndefined();
    expect(req.headers["x-bad"]).toBeUndefined();
    expect(req.body).toBe('{"type":"invoice.paid","amount":42}');
    expect(() => new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
  });

  it("reports a 500 as an http_error with the response body", async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end("boom"));
    expect(await attemptDelivery(client(), input(r.url))).toMatchObject({
      kind: "http_error",
      statusCode: 500,
      response: "boom",
      gone: false,
    });
  });

  it("treats a 302 as a failure and does not follow it", async () => {
    const target = await receiver((_req, res) => res.end("followed"));
    const r = await receiver((_req, res) => res.writeHead(302, { location: target.url }).end());
    const outcome = await attemptDelivery(client(), input(r.url));
    expect(outcome).toMatchObject({ kind: "http_error", statusCode: 302 });
    expect(target.requests).toHaveLength(0);
    expect(target.connections).toBe(0);
  });

  it("marks a 410 as gone", async () => {
    const r = await receiver((_req, res) => res.writeHead(410).end());
    expect(await attemptDelivery(client(), input(r.url))).toMatchObject({
      kind: "http_error",
      statusCode: 410,
      gone: true,
    });
  });

  it("reads Retry-After in seconds from a 429", async () => {
    const r = await receiver((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    expect(await attemptDelivery(client(), input(r.url))).toMatchObject({
      kind: "http_error",
      statusCode: 429,
      retryAfterSeconds: 120,
    });
  });

  it("reads Retry-After as an HTTP-date from a 429", async () => {
    const now = Date.now();
    const at = new Date(Math.ceil(now / 1000) * 1000 + 90_000).toUTCString();
    const r = await receiver((_req, res) => res.writeHead(429, { "retry-after": at }).end());
    const outcome = await attemptDelivery(client(), input(r.url, { now }));
    expect(outcome.statusCode).toBe(429);
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(89);
    expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(91);
  });

  it("times out on a server that never answers", async () => {
    const r = await receiver(() => undefined);
    const started = Date.now();
    const outcome = await attemptDelivery(client(), input(r.url, { timeoutMs: 200 }));
    expect(outcome).toMatchObject({ kind: "timeout", statusCode: 0 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(190);
  });

  it("times out on a body that trickles past the deadline", async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write("."), 20);
      res.on("close", () => clearInterval(timer));
    });
    const outcome = await attemptDelivery(client(), input(r.url, { timeoutMs: 200, maxResponseBytes: 1e6 }));
    expect(outcome.kind).toBe("timeout");
  });

  it("truncates a huge response body and stops reading it", async () => {
    let written = 0;
    const r = await receiver((_req, res) => {
      res.writeHead(200);
      // An endless body: only stops when the client goes away.
      const chunk = Buffer.alloc(64 * 1024, "z");
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const outcome = await attemptDelivery(
      client(),
      input(r.url, { maxResponseBytes: 1000, timeoutMs: 5_000 }),
    );
    expect(outcome).toMatchObject({ kind: "success", statusCode: 200 });
    expect(outcome.response).toBe("z".repeat(1000));
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it("reports a refused connection as a network_error", async () => {
    const r = await receiver(() => undefined);
    const url = r.url;
    await cleanups.pop()!(); // close the server so the port refuses connections
    const outcome = await attemptDelivery(client(), input(url));
    expect(outcome).toMatchObject({ kind: "network_error", statusCode: 0, gone: false });
    expect(outcome.response).toMatch(/ECONNREFUSED/);
  });

  it("refuses loopback when it is not allowed, without connecting", async () => {
    const canary = await receiver((_req, res) => res.end());
    for (const url of [canary.url, `http://localhost:${canary.port}/`, `http://0x7f000001:${canary.port}/`]) {
      const outcome = await attemptDelivery(client([]), input(url));
      expect(outcome).toMatchObject({ kind: "ssrf_refused", statusCode: 0 });
      expect(outcome.response).toMatch(/loopback/);
    }
    expect(canary.connections).toBe(0);
  });

  it("delivers to loopback once it is opted in", async () => {
    const r = await receiver((_req, res) => res.end("ok"));
    expect(await attemptDelivery(client(["127.0.0.0/8"]), input(r.url))).toMatchObject({ kind: "success" });
  });
});

describe("buildDeliveryHeaders", () => {
  it("puts the same id, timestamp and signature under both header families", () => {
    const h = buildDeliveryHeaders({
      msgId: "msg_1",
      timestampSeconds: 1700000000,
      body: "{}",
      secrets: [secret],
    });
    expect(h["webhook-id"]).toBe("msg_1");
    expect(h["svix-timestamp"]).toBe("1700000000");
    expect(h["svix-signature"]).toBe(h["webhook-signature"]);
    expect(h["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it("sends only the X-Webhook-* headers under that scheme, and custom headers cannot replace them", () => {
    const h = buildDeliveryHeaders({
      msgId: "msg_1",
      timestampSeconds: 1700000000,
      body: "{}",
      secrets: [secret],
      scheme: "x-webhook-signature",
      eventType: "wallet.created",
      custom: { "X-Webhook-Signature": "t=1,v1=forged", "X-Webhook-Event": "forged", "x-team": "payments" },
    });
    expect(h["x-webhook-signature"]).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(h["x-webhook-event"]).toBe("wallet.created");
    expect(h["x-webhook-id"]).toBe("msg_1");
    expect(h["x-team"]).toBe("payments");
    expect(Object.keys(h).some((name) => name.startsWith("webhook-") || name.startsWith("svix-"))).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");
  it.each([
    ["30", 30],
    [" 0 ", 0],
    ["Mon, 01 Jan 2024 00:01:00 GMT", 60],
    ["Sun, 31 Dec 2023 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s → %s", (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});
