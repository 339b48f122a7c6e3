import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Receiver {
  url: string;
  /** Requests received so far, newest last. */
  requests: { headers: IncomingMessage["headers"]; body: string }[];
  close: () => Promise<void>;
}

/**
 * A loopback webhook receiver answering every request with `status` and `body`.
 *
 * @example const healthy = await startReceiver(200, '{"ok":true}');
 */
export async function startReceiver(status: number, body: string): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: data });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A receiver that answers 500 to its first `failures` requests and 200 after, so a message is
 * delivered on a retry.
 *
 * @example const flaky = await startFlakyReceiver(2); // third attempt succeeds
 */
export async function startFlakyReceiver(failures: number): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: data });
      const ok = requests.length > failures;
      res.writeHead(ok ? 200 : 500, { "content-type": "application/json" });
      res.end(ok ? '{"ok":true}' : '{"error":"warming up"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A loopback URL nothing listens on: deliveries to it fail with "connection refused". */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}
