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
