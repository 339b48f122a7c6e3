import { BackgroundTaskStatus, Svix } from "svix";
import { afterAll, beforeAll } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "./receiver.js";
import { type ServerProcess, startServer } from "./server-process.js";

/** Background tasks that finish in a test's time: small batches, short pauses, quick polls. */
export const FAST_TASKS = {
  HOOKRELAY_RETRY_SCHEDULE: "0",
  HOOKRELAY_TASK_BATCH_SIZE: "2",
  HOOKRELAY_TASK_PAUSE_MS: "5",
  HOOKRELAY_TASK_POLL_MS: "50",
};

export interface SdkServer {
  readonly server: ServerProcess;
  readonly svix: Svix;
  /** An endpoint of `appId` aimed at a new loopback receiver, and the endpoint's secret. */
  receiverEndpoint(appId: string, eventTypes?: string[]): Promise<{ receiver: Receiver; ep: { id: string }; secret: string }>;
  /** Polls `backgroundTask.get` until the task is no longer running (20 s at most). */
  finished(taskId: string): ReturnType<Svix["backgroundTask"]["get"]>;
}

/**
 * One real server process for the calling `describe` (on its own PostgreSQL schema for
 * `postgres`), the official SDK aimed at it, and receivers closed with it.
 *
 * @example const s = sdkServerPerSuite(kind, FAST_TASKS); it("…", async () => { await s.svix.application.create({ name: "A" }); });
 */
export function sdkServerPerSuite(kind: "sqlite" | "postgres", env: Record<string, string>): SdkServer {
  let server: ServerProcess | undefined;
  let svix: Svix | undefined;
  let schema: PgSchema | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({ env: { ...env, ...(schema ? { DATABASE_URL: schema.url } : {}) } });
    svix = new Svix(server.token, { serverUrl: server.url });
  });

  afterAll(async () => {
    await server?.stop();
    server?.cleanup();
    for (const r of receivers) await r.close();
    await schema?.drop();
  });

  const ready = () => {
    if (!server || !svix) throw new Error("sdkServerPerSuite: use it inside a test");
    return { server, svix };
  };
  return {
    get server() {
      return ready().server;
    },
    get svix() {
      return ready().svix;
    },
    async receiverEndpoint(appId, eventTypes) {
      const { svix } = ready();
      const receiver = await startReceiver();
      receivers.push(receiver);
      const ep = await svix.endpoint.create(appId, { url: receiver.url, eventTypes });
      const { key } = await svix.endpoint.getSecret(appId, ep.id);
      return { receiver, ep, secret: key };
    },
    async finished(taskId) {
      const { svix } = ready();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const task = await svix.backgroundTask.get(taskId);
        if (task.status !== BackgroundTaskStatus.Running) return task;
        if (Date.now() > deadline) throw new Error(`task ${taskId} still running: ${JSON.stringify(task.data)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
