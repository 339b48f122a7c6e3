import { Pool } from "undici";

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  /** Time to the full response. */
  ms: number;
}

/**
 * A keep-alive client for one server's API with the admin token, at most `connections`
 * requests at once.
 *
 * @example const api = new ApiClient(server.url, server.token); await api.post("/api/v1/app", { name: "A" });
 */
export class ApiClient {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    connections = 16,
  ) {
    this.pool = new Pool(baseUrl, { connections, headersTimeout: 30_000, bodyTimeout: 30_000 });
  }

  async request<T = unknown>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const started = performance.now();
    const r = await this.pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text, the caller's assertion will show it
    }
    return { status: r.statusCode, body: parsed as T, headers: r.headers, ms: performance.now() - started };
  }

  post<T = unknown>(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>("POST", path, body, headers);
  }

  get<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>("GET", path);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

export interface SendOptions {
  /** Application uid or id. */
  app: string;
  /** Messages to send; or run until `stop()` says so. */
  count?: number;
  stop?: () => boolean;
  /** Requests in flight at once, across all targets. */
  concurrency: number;
  /** The client for the n-th message (alternate instances, skip a dead one …); undefined = skip. */
  pick: (n: number) => ApiClient | undefined;
  /** Wait this long after an answer other than 202, or no answer, before the next request. */
  pauseOnFailureMs?: number;
  /** Called for every answer (status, latency) and every request that failed outright. */
  onResponse?: (r: ApiResponse<{ id?: string }> | { error: unknown; ms: number }) => void;
}

export interface SendResult {
  /** Ids of messages answered 202: the API promised to deliver these. */
  acked: string[];
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (connection refused or reset: a killed server). */
  errors: number;
  seconds: number;
}

/**
 * Posts messages with bounded concurrency and records which were acknowledged. A request
 * that fails outright (the target was killed) is not acknowledged and is not retried: only
 * what the API answered 202 counts as promised.
 */
export async function sendMessages(options: SendOptions): Promise<SendResult> {
  const result: SendResult = { acked: [], statuses: new Map(), errors: 0, seconds: 0 };
  const started = performance.now();
  let next = 0;
  const more = (): boolean => (options.count === undefined || next < options.count) && !options.stop?.();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (more()) {
        const n = next++;
        const client = options.pick(n);
        if (!client) {
          await sleep(5);
          continue;
        }
        const t0 = performance.now();
        try {
          const r = await client.post<{ id?: string }>(`/api/v1/app/${options.app}/msg`, {
            eventType: "load.test",
            payload: { n, at: Date.now() },
          });
          result.statuses.set(r.status, (result.statuses.get(r.status) ?? 0) + 1);
          if (r.status === 202 && r.body?.id) result.acked.push(r.body.id);
          options.onResponse?.(r);
          if (r.status !== 202 && options.pauseOnFailureMs) await sleep(options.pauseOnFailureMs);
        } catch (error) {
          result.errors++;
          options.onResponse?.({ error, ms: performance.now() - t0 });
          if (options.pauseOnFailureMs) await sleep(options.pauseOnFailureMs);
        }
      }
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
