import pg from "pg";
import type { Logger } from "pino";

import { Wakeup } from "../lib/wakeup.js";

/** The LISTEN/NOTIFY channel new deliveries are announced on. */
export const DELIVERIES_CHANNEL = "hookrelay_deliveries";

export interface PgWakeupOptions {
  /** The store's connection string; the schema in its `search_path` scopes the notifications. */
  connectionString: string;
  /** LISTEN, so this process's worker wakes on other instances' messages (roles all, worker). */
  listen: boolean;
  logger?: Logger | undefined;
  /** Connect timeout of the dedicated connection (ms). */
  connectTimeoutMs?: number;
  /**
   * Least time between two NOTIFYs (ms, default 10): a busy API announces at most ~100 times
   * a second, which wakes an idle worker just as fast and spares the workers a claim per message.
   */
  minIntervalMs?: number;
  /** First reconnect delay after the connection is lost; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  channel?: string;
}

/**
 * The {@link Wakeup} across processes on PostgreSQL. `notify()` wakes this process's worker as
 * the in-process Wakeup does, and also sends `NOTIFY hookrelay_deliveries`; with `listen`, a
 * notification from any instance wakes this process's worker. So an API instance's new message
 * goes out at once from whichever worker instance is idle, instead of at its next poll.
 *
 * It is only ever an optimisation: workers still poll every `workerPollMs`, so a notification
 * lost while the dedicated connection is down (it reconnects with capped exponential backoff)
 * delays a delivery by at most one poll interval. After a reconnect the worker is woken once,
 * for whatever was announced meanwhile.
 *
 * One dedicated connection per process, outside the pool, does both: LISTEN needs a session of
 * its own, and sending NOTIFY over it keeps ingest's pool connections for ingest. Under load
 * `notify()` is called thousands of times a second; one NOTIFY goes out at once, and calls
 * made while it is in flight or within `minIntervalMs` of it are folded into a single
 * follow-up, so the channel carries at most ~100 notifications a second. The payload is the schema name: instances of another Hookrelay
 * sharing the database in a different schema ignore it.
 *
 * @example
 * const wakeup = new PgWakeup({ connectionString: config.databaseUrl, listen: config.role !== "api" });
 * wakeup.start();
 * const services = createServices(store, config, wakeup, keyring);
 * …
 * await wakeup.close();
 */
export class PgWakeup extends Wakeup {
  private readonly channel: string;
  private client: pg.Client | undefined;
  private connected = false;
  private closed = false;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private schema = "";
  private backendPid = 0;
  private sending = false;
  private sendAgain = false;
  private lastSentAt = 0;
  private followUp: NodeJS.Timeout | undefined;
  /** Notifications received from other sessions (for tests and metrics). */
  received = 0;

  constructor(private readonly options: PgWakeupOptions) {
    super();
    this.channel = options.channel ?? DELIVERIES_CHANNEL;
    this.backoffMs = options.minBackoffMs ?? 250;
  }

  /** Opens the dedicated connection in the background; never throws (it keeps retrying). */
  start(): void {
    this.connecting ??= this.connect();
  }

  /** The dedicated connection's server process id while connected (tests, diagnostics). */
  get backendProcessId(): number | undefined {
    return this.connected ? this.backendPid : undefined;
  }

  /** True while the dedicated connection is up (and listening, with `listen`). */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolves once connected (tests); rejects after `ms`. */
  async ready(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.connected) {
      if (Date.now() > deadline) throw new Error("PgWakeup did not connect");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Wakes the local worker and announces new work to every instance. */
  override notify(): void {
    super.notify();
    this.publish();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.followUp) clearTimeout(this.followUp);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }

  private publish(): void {
    if (!this.connected || this.followUp) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    const wait = this.lastSentAt + (this.options.minIntervalMs ?? 10) - Date.now();
    if (wait > 0) {
      this.followUp = setTimeout(() => {
        this.followUp = undefined;
        this.publish();
      }, wait);
      return;
    }
    const client = this.client;
    if (!client) return;
    this.sending = true;
    this.lastSentAt = Date.now();
    client
      .query("select pg_notify($1, $2)", [this.channel, this.schema])
      .catch((error: unknown) => this.options.logger?.debug({ err: error }, "NOTIFY failed"))
      .finally(() => {
        this.sending = false;
        if (this.sendAgain) {
          this.sendAgain = false;
          this.publish();
        }
      });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 2_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: unknown): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) {
        this.client = undefined;
        this.connected = false;
      }
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.options.logger?.warn(
        { err: error, retryInMs: this.backoffMs },
        "PostgreSQL notification connection lost; workers poll until it is back",
      );
      this.scheduleReconnect();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      // Our own NOTIFY comes back to us too: the local worker was already woken directly.
      if (message.processId === this.backendPid || message.payload !== this.schema) return;
      this.received++;
      super.notify();
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string; pid: number }>(
        "select current_schema() as schema, pg_backend_pid() as pid",
      );
      this.schema = rows[0]?.schema ?? "";
      this.backendPid = rows[0]?.pid ?? 0;
      if (this.options.listen) await client.query(`LISTEN ${pgIdentifier(this.channel)}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost) return;
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connected = true;
    this.backoffMs = this.options.minBackoffMs ?? 250;
    // Whatever was announced while we were away: look once now rather than at the next poll.
    super.notify();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 10_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connecting = this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** A channel name as a quoted identifier (LISTEN takes no parameters). */
function pgIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
