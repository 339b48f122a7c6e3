import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "standardwebhooks";

/** One request the receiver got: which message (`i` from the payload), and what became of it. */
export interface FifoAttempt {
  msgId: string;
  i: number;
  /** 1 for the first request of this message, 2 for the next … */
  n: number;
  /** The status answered, or 0 while held (no answer). */
  status: number;
  /** The answer reached the socket (false for a held request whose sender died). */
  answered: boolean;
}

/** What to answer the `n`th request of message `i`: a status, or "hold" (never answer). */
export type FifoAnswer = (i: number, n: number) => number | "hold";

export interface FifoReceiver {
  url: string;
  attempts: FifoAttempt[];
  /** The most requests it ever had open at once. */
  maxConcurrent: number;
  /** Messages answered 2xx, in the order they were answered. */
  delivered(): number[];
  /** Requests whose signature did not verify. */
  unverified: number;
  /** Resolves when a request is held. */
  held(): Promise<FifoAttempt>;
  waitDelivered(count: number, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback receiver for FIFO proofs: verifies every request with the `standardwebhooks`
 * package, answers as `answer` says, and records the order of arrival and how many requests
 * were open at once.
 *
 * @example const r = await startFifoReceiver(secret, (i, n) => (n <= 2 ? 503 : 200));
 */
export async function startFifoReceiver(secret: string, answer: FifoAnswer): Promise<FifoReceiver> {
  const attempts: FifoAttempt[] = [];
  const counts = new Map<string, number>();
  const wh = new Webhook(secret);
  let open = 0;
  let onHold: ((a: FifoAttempt) => void) | undefined;
  const state = { maxConcurrent: 0, unverified: 0 };
  const server: Server = createServer((req, res) => {
    open++;
    state.maxConcurrent = Math.max(state.maxConcurrent, open);
    let closed = false;
    const done = () => {
      if (!closed) open--;
      closed = true;
    };
    res.on("close", done);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let payload: { i?: number } = {};
      try {
        payload = wh.verify(body, req.headers as Record<string, string>) as { i?: number };
      } catch {
        state.unverified++;
      }
      const msgId = String(req.headers["webhook-id"]);
      const n = (counts.get(msgId) ?? 0) + 1;
      counts.set(msgId, n);
      const decision = answer(payload.i ?? -1, n);
      const attempt: FifoAttempt = { msgId, i: payload.i ?? -1, n, status: 0, answered: false };
      attempts.push(attempt);
      if (decision === "hold") {
        onHold?.(attempt);
        return;
      }
      attempt.status = decision;
      res.writeHead(decision).end("", () => (attempt.answered = true));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const delivered = () => attempts.filter((a) => a.answered && a.status >= 200 && a.status < 300).map((a) => a.i);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fifo`,
    attempts,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    get unverified() {
      return state.unverified;
    },
    delivered,
    held: () => new Promise((resolve) => (onHold = resolve)),
    waitDelivered: async (count, ms) => {
      const deadline = Date.now() + ms;
      while (delivered().length < count) {
        if (Date.now() > deadline) throw new Error(`delivered ${delivered().length} of ${count}: ${JSON.stringify(attempts)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
