import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "standardwebhooks";

/**
 * Sample webhook receivers for the grader's tests: real HTTP servers on loopback, one doing
 * Standard Webhooks right, one trusting everything, one verifying signatures but not timestamps.
 */

export type Handler = (headers: IncomingHttpHeaders, body: string) => number | "hang";

export interface SampleReceiver {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/** A real receiver on loopback answering with `handler`'s status. */
export async function startSampleReceiver(handler: Handler): Promise<SampleReceiver> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests++;
      const status = handler(req.headers, Buffer.concat(chunks).toString("utf8"));
      if (status === "hang") return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const header = (h: IncomingHttpHeaders, name: string): string => String(h[name] ?? "");

/** Does it right: the reference library, which checks the signature and the timestamp. */
export const correctReceiver =
  (secret: string): Handler =>
  (headers, body) => {
    try {
      new Webhook(secret).verify(body, {
        "webhook-id": header(headers, "webhook-id"),
        "webhook-timestamp": header(headers, "webhook-timestamp"),
        "webhook-signature": header(headers, "webhook-signature"),
      });
      return 204;
    } catch {
      return 400;
    }
  };

/** Trusts everything. */
export const trustingReceiver: Handler = () => 200;

/** Checks every v1 entry against the HMAC but never looks at how old the timestamp is. */
export const timestampBlindReceiver =
  (secret: string): Handler =>
  (headers, body) => {
    const id = header(headers, "webhook-id");
    const timestamp = Number(header(headers, "webhook-timestamp"));
    if (!id || !Number.isInteger(timestamp) || timestamp <= 0) return 400;
    const expected = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
    const entries = header(headers, "webhook-signature").split(" ");
    return entries.includes(expected) ? 200 : 401;
  };
