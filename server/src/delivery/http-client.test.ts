import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { createAddressPolicy } from "./address-policy.js";
import { DeliveryClient, isSsrfError } from "./http-client.js";

interface Receiver {
  port: number;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  connections: number;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real loopback HTTP server recording every connection and request it gets. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const state: Receiver = { port: 0, requests: [], connections: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handle(req, res);
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(state.close);
  return state;
}

function client(allow: string[], options: Partial<ConstructorParameters<typeof DeliveryClient>[0]> = {}) {
  const c = new DeliveryClient({ policy: createAddressPolicy(allow), ...options });
  cleanups.push(() => c.close());
  return c;
}

const send = (c: DeliveryClient, url: string, maxResponseBytes = 1024) =>
  c.send({ url, headers: { "content-type": "application/json" }, body: '{"a":1}', maxResponseBytes });

describe("DeliveryClient", () => {
  it("POSTs the body and returns status, headers and body", async () => {
    const r = await receiver((_req, res) => res.writeHead(201, { "x-reply": "yes" }).end("created"));
    const res = await send(client(["127.0.0.0/8"]), `http://127.0.0.1:${r.port}/hook?x=1`);
    expect(res).toMatchObject({ statusCode: 201, body: "created", truncated: false });
    expect(res.headers["x-reply"]).toBe("yes");
    expect(r.requests).toEqual([
      expect.objectContaining({ method: "POST", url: "/hook?x=1", body: '{"a":1}' }),
    ]);
  });

  it("reuses keep-alive connections", async () => {
    const r = await receiver((_req, res) => res.end("ok"));
    const c = client(["127.0.0.0/8"]);
    for (let i = 0; i < 20; i++) await send(c, `http://127.0.0.1:${r.port}/`);
    expect(r.requests).toHaveLength(20);
    // A socket returns to the pool a tick after its response ends, so the second request may
    // open one more; after that they are reused.
    expect(r.connections).toBeLessThanOrEqual(2);
  });

  it("does not follow redirects", async () => {
    const target = await receiver((_req, res) => res.end("target"));
    const r = await receiver((_req, res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${target.port}/` }).end(),
    );
    const res = await send(client(["127.0.0.0/8"]), `http://127.0.0.1:${r.port}/`);
    expect(res.statusCode).toBe(307);
    expect(target.connections).toBe(0);
  });

  it("keeps only maxResponseBytes of the body", async () => {
    const r = await receiver((_req, res) => res.end("x".repeat(10_000)));
    const res = await send(client(["127.0.0.0/8"]), `http://127.0.0.1:${r.port}/`, 100);
    expect(res.body).toBe("x".repeat(100));
    expect(res.truncated).toBe(true);
  });

  it("keeps a body of exactly maxResponseBytes whole", async () => {
    const r = await receiver((_req, res) => res.end("y".repeat(100)));
    const res = await send(client(["127.0.0.0/8"]), `http://127.0.0.1:${r.port}/`, 100);
    expect(res).toMatchObject({ body: "y".repeat(100), truncated: false });
  });

  it.each([
    "http://127.0.0.1:PORT/",
    "http://127.1:PORT/",
    "http://0x7f000001:PORT/",
    "http://2130706433:PORT/",
    "http://0177.0.0.1:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
  ])("refuses the IP literal %s before connecting", async (template) => {
    const canary = await receiver((_req, res) => res.end("should not be reached"));
    const error = await send(client([]), template.replace("PORT", String(canary.port))).catch(
      (e: unknown) => e,
    );
    expect(isSsrfError(error)).toBe(true);
    expect(canary.connections).toBe(0);
  });

  it("refuses a host name whose DNS answer is a loopback address", async () => {
    const canary = await receiver((_req, res) => res.end("should not be reached"));
    const error = await send(client([]), `http://localhost:${canary.port}/`).catch((e: unknown) => e);
    expect(isSsrfError(error)).toBe(true);
    expect((error as Error).message).toMatch(/loopback/);
    expect(canary.connections).toBe(0);
  });

  it("connects through DNS when the resolved addresses are allowed", async () => {
    const r = await receiver((_req, res) => res.end("via dns"));
    const res = await send(client(["127.0.0.0/8", "::1/128"]), `http://localhost:${r.port}/`);
    expect(res.body).toBe("via dns");
  });

  it("refuses when any resolved address is disallowed, even if the first is public", async () => {
    const canary = await receiver((_req, res) => res.end("should not be reached"));
    const resolve = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    const error = await send(client([], { resolve }), `http://rebind.test:${canary.port}/`).catch(
      (e: unknown) => e,
    );
    expect(isSsrfError(error)).toBe(true);
    expect(canary.connections).toBe(0);
  });

  it("connects to the address the guarded lookup returned", async () => {
    const r = await receiver((_req, res) => res.end("resolved"));
    const resolve = async () => [{ address: "127.0.0.1", family: 4 }];
    const res = await send(client(["127.0.0.0/8"], { resolve }), `http://anything.test:${r.port}/`);
    expect(res.body).toBe("resolved");
    expect(r.requests[0]?.headers.host).toBe(`anything.test:${r.port}`);
  });

  it("passes DNS failures through as ordinary errors", async () => {
    const error = await send(client([]), "http://does-not-exist.invalid/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isSsrfError(error)).toBe(false);
  });

  it("rejects non-HTTP schemes", async () => {
    await expect(send(client([]), "ftp://example.com/")).rejects.toThrow(/scheme/);
  });
});
