import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface AckReceiver {
  /** Base URL; give each endpoint its own path below it (`${url}/recover`). */
  url: string;
  /** Requests answered 2xx, per webhook-id, for one path. */
  acked(path: string): Map<string, number>;
  /** When each webhook-id was first answered on `path` (ms since the epoch). */
  firstAckAt(path: string): Map<string, number>;
  /**
   * Stops answering `path`: its requests are held open and never acknowledged, so a delivery
   * in flight when the sender dies has not been received in the protocol's sense (no 2xx).
   */
  hold(path: string): void;
  /** Answers `path` again, at once. */
  release(path: string): void;
  close(): Promise<void>;
}

/**
 * A loopback receiver that counts what it acknowledged (answered 2xx) per webhook-id and path.
 * Holding a path lets a crash test kill the sender with no acknowledgement in flight, so
 * "each message acknowledged exactly once" is a property the server must meet, not luck:
 * a held request dies with the sender's socket uncounted and must be sent again.
 *
 * @example const r = await startAckReceiver(); r.hold("/recover"); … r.release("/recover");
 */
export async function startAckReceiver(): Promise<AckReceiver> {
  const acks = new Map<string, Map<string, number>>();
  const firsts = new Map<string, Map<string, number>>();
  const held = new Set<string>();
  const sockets = new Set<Socket>();
  const of = <T>(m: Map<string, Map<string, T>>, path: string): Map<string, T> => {
    let inner = m.get(path);
    if (!inner) m.set(path, (inner = new Map()));
    return inner;
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const id = String(req.headers["webhook-id"]);
    req.resume();
    req.on("end", () => {
      if (held.has(path)) return; // never answered; the socket closes when the sender dies
      const counts = of(acks, path);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      const first = of(firsts, path);
      if (!first.has(id)) first.set(id, Date.now());
      res.end("ok");
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    acked: (path) => of(acks, path),
    firstAckAt: (path) => of(firsts, path),
    hold: (path) => held.add(path),
    release: (path) => held.delete(path),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
