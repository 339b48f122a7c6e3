import { afterAll, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { runRecoverCrash } from "../support/recover-crash.js";

const MESSAGES = 2_000;

/**
 * A recover of a few thousand failed messages, the server SIGKILLed half-way through the task
 * and started again on the same data: the task finishes from its last checkpoint and the
 * receiver acknowledges every message exactly once (it holds the endpoint across the kill, so
 * nothing acknowledged was in flight). Live messages to another endpoint keep arriving while
 * the task runs.
 */
describe.each(["sqlite", "postgres"] as const)("background task crash safety (%s)", (kind) => {
  let schema: PgSchema | undefined;
  afterAll(async () => {
    await schema?.drop();
  });

  it.skipIf(kind === "postgres" && !TEST_POSTGRES_URL)(
    `a recover of ${MESSAGES} messages, killed mid-way, sends each exactly once after a restart`,
    async () => {
      if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
      const r = await runRecoverCrash({ messages: MESSAGES, databaseUrl: schema?.url, batchSize: 50, pauseMs: 30, killAt: 0.5 });
      // Killed in the middle, not before the task began or after it ended.
      expect(r.killedAt.status).toBe("running");
      expect(r.killedAt.processed).toBeGreaterThan(0);
      expect(r.killedAt.processed).toBeLessThan(MESSAGES);
      expect(r.killedAt.total).toBe(MESSAGES);
      expect(r.delivered).toBe(MESSAGES);
      expect(r.duplicates).toBe(0);
      expect(r.messagesSent).toBe(MESSAGES);
      // Live deliveries flowed during the task, promptly.
      expect(r.live.sent).toBeGreaterThan(2);
      expect(r.live.delivered).toBe(r.live.sent);
      expect(r.live.p50Ms).toBeLessThan(500);
    },
    120_000,
  );
});
