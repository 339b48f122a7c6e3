import { Svix } from "svix";

import { startAckReceiver } from "./ack-receiver.js";
import { ApiClient } from "./load.js";
import { type ServerProcess, startServer } from "./server-process.js";

export interface RecoverCrashOptions {
  /** Failed messages the recover task re-sends. */
  messages: number;
  /** PostgreSQL schema URL; SQLite in the server's data directory when absent. */
  databaseUrl?: string | undefined;
  /** HOOKRELAY_TASK_BATCH_SIZE and HOOKRELAY_TASK_PAUSE_MS of the server. */
  batchSize?: number;
  pauseMs?: number;
  /** The share of the task done when the server is killed (0–1). */
  killAt?: number;
  log?: (line: string) => void;
}

export interface RecoverCrashResult {
  messages: number;
  /** The task's `processed` just before the SIGKILL, and its total. */
  killedAt: { processed: number; total: number; status: string };
  /** Distinct messages the receiver acknowledged, and acknowledgements beyond one per message. */
  delivered: number;
  duplicates: number;
  /** The task's `messagesSent` when it finished. */
  messagesSent: number;
  /** From the recover request to the task finishing (the restart included), and to the last message acknowledged. */
  taskMs: number;
  deliveredMs: number;
  /** Restart of the server to the task finishing. */
  afterRestartMs: number;
  /** Live messages to another endpoint while the task ran (before the kill): latency send → acknowledged. */
  live: LiveFigures;
  /** The same, measured for 1.5 s before the task started: what the machine does without it. */
  baseline: LiveFigures;
}

export interface LiveFigures {
  sent: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function latencyOf(sent: Map<string, number>, acks: Map<string, number>): Omit<LiveFigures, "sent"> {
  const ms = [...sent].flatMap(([id, at]) => (acks.has(id) ? [acks.get(id)! - at] : [])).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;
  return { delivered: ms.length, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: ms.at(-1) ?? 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/**
 * The crash proof of background tasks, shared by the e2e suite and the bench: `messages`
 * failed deliveries, a recover through the official SDK, a SIGKILL of the server when the task
 * is `killAt` done, a restart on the same data, and a count of what the receiver acknowledged
 * per message id. The receiver holds (never answers) the recover endpoint from just before
 * the kill, so no acknowledgement is in flight when the server dies: every message must then
 * be acknowledged exactly once. Live messages to a second endpoint run during the task.
 *
 * @example const r = await runRecoverCrash({ messages: 3_000 }); // r.duplicates === 0
 */
export async function runRecoverCrash(options: RecoverCrashOptions): Promise<RecoverCrashResult> {
  const n = options.messages;
  const log = options.log ?? (() => undefined);
  const receiver = await startAckReceiver();
  const env: Record<string, string> = {
    HOOKRELAY_RETRY_SCHEDULE: "0",
    HOOKRELAY_DELIVERY_TIMEOUT_MS: "2000",
    HOOKRELAY_LEASE_MARGIN_MS: "500",
    HOOKRELAY_TASK_BATCH_SIZE: String(options.batchSize ?? 100),
    HOOKRELAY_TASK_PAUSE_MS: String(options.pauseMs ?? 20),
    HOOKRELAY_TASK_LEASE_MS: "1500",
    HOOKRELAY_TASK_POLL_MS: "100",
    // Thousands of deliveries are first made to fail on purpose: with the circuit breaker on, the
    // endpoint's circuit would open and hold them pending instead of letting them fail.
    HOOKRELAY_CIRCUIT_FAILURE_THRESHOLD: "0",
    HOOKRELAY_CIRCUIT_FAILURE_RATE_PERCENT: "0",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
  const servers: ServerProcess[] = [];
  const clients: ApiClient[] = [];
  try {
    const first = await startServer({ env });
    servers.push(first);
    const api = new ApiClient(first.url, first.token, 48);
    clients.push(api);
    const svix = new Svix(first.token, { serverUrl: first.url });
    const app = await svix.application.create({ name: "Crash", uid: "crash" });
    // Port 1 refuses at once: each message fails fast (one attempt, one retry).
    const target = await svix.endpoint.create(app.id, { url: "http://127.0.0.1:1/dead", eventTypes: ["bulk.item"] });
    await svix.endpoint.create(app.id, { url: `${receiver.url}/live`, eventTypes: ["live.tick"] });
    const since = new Date(Date.now() - 1_000);

    let next = 0;
    const sendStarted = Date.now();
    await Promise.all(
      Array.from({ length: 48 }, async () => {
        while (next < n) {
          const i = next++;
          const r = await api.post(`/api/v1/app/${app.id}/msg`, { eventType: "bulk.item", payload: { i } });
          if (r.status !== 202) throw new Error(`message ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        }
      }),
    );
    log(`sent ${n} messages in ${Date.now() - sendStarted} ms`);
    await until("every delivery to fail", 120_000, async () => {
      const s = await svix.endpoint.getStats(app.id, target.id, { since });
      return s.fail === n ? s : undefined;
    }, 250);
    log(`all ${n} deliveries failed after ${Date.now() - sendStarted} ms`);
    await svix.endpoint.patch(app.id, target.id, { url: `${receiver.url}/recover` });

    // Live traffic: one message every 25 ms to the other endpoint, first alone (the baseline),
    // then while the task runs.
    const liveSent = new Map<string, number>();
    const baselineSent = new Map<string, number>();
    let ticking = true;
    const tick = async (into: Map<string, number>) => {
      while (ticking) {
        const at = Date.now();
        const r = await api.post<{ id: string }>(`/api/v1/app/${app.id}/msg`, { eventType: "live.tick", payload: { at } }).catch(() => undefined);
        if (r?.status === 202) into.set(r.body.id, at);
        await sleep(25);
      }
    };
    const firstAcks = receiver.firstAckAt("/live");
    const settle = (sent: Map<string, number>) => until("the live ticks to arrive", 5_000, async () => ([...sent.keys()].every((id) => firstAcks.has(id)) ? true : undefined), 20).catch(() => undefined);
    let ticker = tick(baselineSent);
    await sleep(1_500);
    ticking = false;
    await ticker;
    await settle(baselineSent);
    ticking = true;
    ticker = tick(liveSent);

    const started = Date.now();
    const task = await svix.endpoint.recover(app.id, target.id, { since });
    if (task.status !== "running") throw new Error(`recover answered ${task.status}`);
    const killAt = Math.floor((options.killAt ?? 0.4) * n);
    const processed = async () => (await svix.backgroundTask.get(task.id)).data as { processed: number };
    // Live ticks run through the first part of the task and are given time to arrive before
    // the kill approaches; the task goes on meanwhile.
    await until("the task to get under way", 60_000, async () => ((await processed()).processed >= killAt / 2 ? true : undefined), 20);
    ticking = false;
    await ticker;
    await settle(liveSent);
    await until("the task to reach the kill point", 60_000, async () => ((await processed()).processed >= killAt ? true : undefined), 20);
    // No acknowledgement may be in flight at the kill: hold the endpoint, let the answered
    // attempts be recorded (the result buffer writes within milliseconds), then kill.
    receiver.hold("/recover");
    await sleep(300);
    const before = await svix.backgroundTask.get(task.id);
    const killedAt = {
      processed: (before.data as { processed: number }).processed,
      total: (before.data as { total: number }).total,
      status: before.status,
    };
    await first.kill();
    log(`killed at ${killedAt.processed}/${killedAt.total} (${killedAt.status}), ${receiver.acked("/recover").size} acknowledged`);
    const latencies = latencyOf(liveSent, firstAcks);
    const baseline = latencyOf(baselineSent, firstAcks);

    receiver.release("/recover");
    const restarted = Date.now();
    const second = await startServer({ env, dataDir: first.dataDir, token: first.token });
    servers.push(second);
    const svix2 = new Svix(second.token, { serverUrl: second.url });
    const done = await until("the task to finish", 120_000, async () => {
      const t = await svix2.backgroundTask.get(task.id);
      return t.status !== "running" ? t : undefined;
    });
    const finished = Date.now();
    if (done.status !== "finished") throw new Error(`task ended ${done.status}: ${JSON.stringify(done.data)}`);
    await until("every message to be acknowledged", 60_000, async () => (receiver.acked("/recover").size >= n ? true : undefined));
    const delivered = Date.now();
    // Late copies would arrive after the last first copy: give them the longest lease to show.
    await sleep(3_000);
    const acked = receiver.acked("/recover");
    let duplicates = 0;
    for (const c of acked.values()) duplicates += c - 1;
    await second.stop();
    return {
      messages: n,
      killedAt,
      delivered: acked.size,
      duplicates,
      messagesSent: (done.data as { messagesSent: number }).messagesSent,
      taskMs: finished - started,
      deliveredMs: delivered - started,
      afterRestartMs: finished - restarted,
      live: { sent: liveSent.size, ...latencies },
      baseline: { sent: baselineSent.size, ...baseline },
    };
  } finally {
    for (const c of clients) await c.close();
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) await s.kill();
    servers[0]?.cleanup();
    await receiver.close();
  }
}
