import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request as an {@link ArrivalReceiver} saw it. */
export interface Arrival {
  path: string;
  webhookId: string;
  at: number;
}

export interface ArrivalReceiver {
  url: string;
  arrivals: Arrival[];
  /** Swaps the status every later request is answered with. */
  answer(status: number): void;
  close(): Promise<void>;
}

/**
 * A loopback receiver that records when each request arrived (and at which path), for proofs
 * about rates and retry counts; answers 200 unless told otherwise.
 *
 * @example const r = await startArrivalReceiver(); … r.arrivals.filter((a) => a.path === "/e1").length
 */
export async function startArrivalReceiver(status = 200): Promise<ArrivalReceiver> {
  const arrivals: Arrival[] = [];
  const sockets = new Set<Socket>();
  let reply = status;
  const server = createServer((req, res) => {
    arrivals.push({ path: req.url ?? "", webhookId: String(req.headers["webhook-id"]), at: Date.now() });
    req.resume();
    req.on("end", () => {
      res.statusCode = reply;
      res.end("ok");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    answer: (s) => (reply = s),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The most requests among `times` that fall in one calendar second (`floor(at / 1000)`):
 * "arrivals per second" as a rate limit is stated. A sliding window is stricter than the limit
 * promises: a send timer that fires late on a loaded machine bunches two sends that were
 * reserved a slot apart, which a sliding window counts against the limiter.
 *
 * @example busiestSecond([0, 999, 1000]) // 2
 */
export function busiestSecond(times: readonly number[]): number {
  const perSecond = new Map<number, number>();
  for (const at of times) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

/**
 * The most requests among `times` that fall in any window of `windowMs` (sliding, so no
 * choice of window edges can hide a burst).
 *
 * @example busiestWindow([0, 100, 1500], 1000) // 2
 */
export function busiestWindow(times: readonly number[], windowMs = 1_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
