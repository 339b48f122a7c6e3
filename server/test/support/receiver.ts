import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  /** The request method: POST, unless an endpoint transformation chose PUT or PATCH. */
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (req: Received, n: number) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves when at least `n` requests arrived, or rejects after `ms`. */
  waitFor(n: number, ms?: number): Promise<Received[]>;
  respond(fn: Responder): void;
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on loopback that records every request and answers as told (200 by
 * default). Tests check what arrives with the `standardwebhooks` package.
 *
 * @example const r = await startReceiver(); r.respond(() => ({ status: 500 }));
 */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let responder: Responder = () => ({ status: 200, body: "ok" });
  const waiters: { n: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = { method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(entry);
      const answer = responder(entry, received.length);
      const send = (): void => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond: (fn) => {
      responder = fn;
    },
    waitFor: (n, ms = 20_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= n) return resolve(received);
        const timer = setTimeout(() => reject(new Error(`expected ${n} requests, got ${received.length}`)), ms);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
