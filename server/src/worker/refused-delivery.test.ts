import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, expect, it } from "vitest";

import { createAddressPolicy } from "../delivery/address-policy.js";
import { DeliveryClient } from "../delivery/http-client.js";
import { createLogger } from "../lib/logger.js";
import { DeliveriesRepository } from "../store/deliveries-repository.js";
import { DeliveryStatus } from "../store/schema.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";
import { DeliveryWorker } from "./worker.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HEADER_TOKEN = "Bearer header-credential-7f3a9c";

/**
 * A delivery the SSRF guard refuses can never succeed until HOOKRELAY_ALLOW_PRIVATE_NETWORKS
 * changes: it fails at once (no retries on the schedule), its attempt names the setting, the
 * failure is logged at warn without secrets, and once the setting allows the address the failed
 * delivery is resent like any other. The endpoint was saved while loopback was allowed; the
 * worker then runs with the setting emptied, as after a configuration change.
 */
describeEachStore("refused deliveries on %s", (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("fail at once, name the setting, log at warn without secrets, and can be resent", async () => {
    const t: TestApp = await startTestApp({ allowPrivateNetworks: "127.0.0.0/8", retrySchedule: "1,1,1", workerPollMs: 20 }, kind);
    cleanups.push(() => t.close());
    const received: string[] = [];
    const canary = createServer((req, res) => {
      received.push(String(req.headers["webhook-id"]));
      req.resume();
      res.end("ok");
    });
    await new Promise<void>((r) => canary.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => canary.close(r)));
    const url = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/hook`;

    const api = async (method: "GET" | "POST", path: string, payload?: object) => {
      const res = await t.app.inject({ method, url: path, headers: t.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeLessThan(300);
      return res.json() as Record<string, unknown>;
    };
    await api("POST", "/api/v1/app", { name: "Refused", uid: "refused" });
    const ep = await api("POST", "/api/v1/app/refused/endpoint", {
      url,
      secret: SECRET,
      headers: { Authorization: HEADER_TOKEN },
    });
    const msg = await api("POST", "/api/v1/app/refused/msg", { eventType: "x.y", payload: { n: 1 } });

    const lines: string[] = [];
    const logger = createLogger("info", { destination: { write: (s: string) => void lines.push(s) } });
    const startWorker = (allow: string[]) => {
      const w = new DeliveryWorker({
        queue: new DeliveriesRepository(t.store, { endpointDisableAfterMs: t.config.endpointDisableAfterSeconds * 1000 }),
        sender: new DeliveryClient({ policy: createAddressPolicy(allow) }),
        config: t.config,
        wakeup: t.wakeup,
        keyring: t.keyring,
        logger,
      });
      w.start();
      cleanups.push(() => w.stop(0));
      return w;
    };
    const delivery = () =>
      t.store.db.selectFrom("deliveries").selectAll().where("msg_id", "=", msg.id as string).executeTakeFirstOrThrow();

    const refusing = startWorker([]);
    await expect.poll(async () => (await delivery()).status, { timeout: 8_000 }).toBe(DeliveryStatus.fail);
    // Longer than the whole retry schedule (3 × 1 s, with jitter): nothing more is tried.
    await new Promise((r) => setTimeout(r, 1_800));
    const failed = await delivery();
    expect(failed.status).toBe(DeliveryStatus.fail);
    expect(failed.attempt_count).toBe(1);
    expect(failed.due_at).toBeNull();
    expect(refusing.counters.sent).toBe(1);
    expect(refusing.counters.retried).toBe(0);
    expect(received).toHaveLength(0);

    const attempts = (await api("GET", `/api/v1/app/refused/attempt/msg/${msg.id as string}`)).data as {
      response: string;
      responseStatusCode: number;
    }[];
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.responseStatusCode).toBe(0);
    expect(attempts[0]!.response).toContain("refusing to connect to 127.0.0.1: loopback address");
    expect(attempts[0]!.response).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");

    // The failure is logged at warn, as JSON, with the endpoint, status and reason.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = entries.find((e) => e.msg !== undefined && String(e.msg).startsWith("delivery attempt failed"));
    expect(warning).toMatchObject({ level: 40, endpointId: ep.id, status: 0, outcome: "ssrf_refused", next: "fail" });
    expect(String(warning!.reason)).toContain("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");
    const log = lines.join("");
    for (const secret of [SECRET, SECRET.slice("whsec_".length), HEADER_TOKEN, "header-credential"]) {
      expect(log).not.toContain(secret);
    }
    await refusing.stop(0);

    // The setting now allows loopback: the failed delivery is resent and arrives.
    startWorker(["127.0.0.0/8"]);
    await api("POST", `/api/v1/app/refused/msg/${msg.id as string}/endpoint/${ep.id as string}/resend`);
    await expect.poll(async () => (await delivery()).status, { timeout: 8_000 }).toBe(DeliveryStatus.success);
    expect(received).toEqual([msg.id]);
  });
});
