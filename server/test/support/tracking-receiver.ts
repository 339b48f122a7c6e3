import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface TrackingReceiver {
  /** Base URL; give each endpoint its own path below it (`${url}/e1`). */
  url: string;
  /** Requests received in all. */
  total(): number;
  /** Distinct (webhook-id, path) pairs received. */
  distinct(): number;
  /** Requests beyond the first for their pair: sequential duplicates (at-least-once). */
  duplicates(): number;
  /** Pairs that arrived while the same pair was still in flight: concurrent duplicates, a bug. */
  overlaps: string[];
  /** Whether `webhook-id` reached `path`. */
  has(webhookId: string, path: string): boolean;
  /** Resolves once `n` distinct pairs arrived; rejects after `ms`. */
  waitForDistinct(n: number, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback receiver for delivery proofs at volume: it keeps a count per (webhook-id, path)
 * instead of every request, tracks which pairs are in flight and flags a pair that arrives
 * while it is still being answered — two workers sending the same delivery at once. Each
 * answer is held `delayMs()` so that such an overlap has a window to show up in.
 *
 * @example const r = await startTrackingReceiver({ delayMs: () => Math.random() * 10 });
 */
export async function startTrackingReceiver(
  options: { delayMs?: () => number } = {},
): Promise<TrackingReceiver> {
  const counts = new Map<string, number>();
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  let total = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const key = `${String(req.headers["webhook-id"])} ${req.url ?? ""}`;
    total++;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (inFlight.has(key)) overlaps.push(key);
    inFlight.add(key);
    res.on("close", () => inFlight.delete(key));
    req.resume();
    req.on("end", () => {
      const delay = options.delayMs?.() ?? 0;
      if (delay > 0) setTimeout(() => res.end("ok"), delay);
      else res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    total: () => total,
    distinct: () => counts.size,
    duplicates: () => total - counts.size,
    overlaps,
    has: (webhookId, path) => counts.has(`${webhookId} ${path}`),
    waitForDistinct: async (n, ms) => {
      const deadline = Date.now() + ms;
      while (counts.size < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} distinct deliveries, got ${counts.size}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
