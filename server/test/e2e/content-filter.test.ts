import { Webhook } from "standardwebhooks";
import { BackgroundTaskStatus, Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FILTER = {
  type: "charge",
  data: { amount: { $gte: 100 }, currency: { $in: ["EUR", "USD"] }, items: { sku: { $neq: "test" } } },
};

/** Payload texts (sent verbatim), and whether FILTER matches each. */
const PAYLOADS: [text: string, matches: boolean][] = [
  ['{"type":"charge","data":{"amount":250,"currency":"EUR","items":[{"sku":"A-1"}]}}', true],
  ['{"type":"charge","data":{"amount":99,"currency":"EUR","items":[{"sku":"A-1"}]}}', false],
  ['{"type":"charge","data":{"amount":100,"currency":"USD","items":[{"sku":"test"},{"sku":"B-2"}]}}', true],
  ['{"type":"charge","data":{"amount":500,"currency":"GBP","items":[{"sku":"A-1"}]}}', false],
  ['{"type":"refund","data":{"amount":500,"currency":"EUR","items":[{"sku":"A-1"}]}}', false],
  ['{"type":"charge","data":{"amount":500,"currency":"EUR","items":[{"sku":"test"}]}}', false],
  ['{"type":"charge","data":{"currency":"EUR"}}', false],
  // Beyond 2^53: compared exactly, and delivered byte for byte.
  ['{"type":"charge","data":{"amount":9007199254740993,"currency":"USD","items":[{"sku":"C"}]}}', true],
];

/**
 * Two endpoints of one application, one with a content filter: a loopback receiver behind each,
 * messages that match and do not. The plain endpoint gets every message, the filtered one only
 * the matches, each verified with the `standardwebhooks` package. Then what the operator's tools
 * do with a filtered endpoint: resend sends what it is asked to, replay-missing applies the filter.
 */
describeEachStore("content filters deliver only matching payloads (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  const receivers: Receiver[] = [];
  const appId = "filtered";

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({
      env: { HOOKRELAY_TASK_POLL_MS: "50", ...(schema ? { DATABASE_URL: schema.url } : {}) },
    });
    svix = new Svix(server.token, { serverUrl: server.url });
    await svix.application.create({ name: "Filtered", uid: appId });
  });

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  const api = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  /** An endpoint behind a new receiver. The svix SDK drops `filter`, so a filter goes over plain HTTP. */
  async function endpoint(filter?: object) {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const id = filter
      ? ((await api("POST", `/api/v1/app/${appId}/endpoint`, JSON.stringify({ url: receiver.url, filter }))).json.id as string)
      : (await svix.endpoint.create(appId, { url: receiver.url })).id;
    const { key } = await svix.endpoint.getSecret(appId, id);
    return { id, receiver, webhook: new Webhook(key) };
  }

  /** Bodies received, each verified with the endpoint's secret, by message id. */
  const verified = (ep: Awaited<ReturnType<typeof endpoint>>) =>
    new Map(
      ep.receiver.received.map((r) => {
        expect(() => ep.webhook.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
        return [r.headers["webhook-id"] as string, r.body];
      }),
    );

  it("the filtered endpoint receives only the matching messages; the plain one receives all", async () => {
    const plain = await endpoint();
    const filtered = await endpoint(FILTER);
    expect((await svix.endpoint.get(appId, filtered.id)).id).toBe(filtered.id);

    const ids: string[] = [];
    for (const [text] of PAYLOADS) {
      const res = await api("POST", `/api/v1/app/${appId}/msg`, `{"eventType":"payment.event","payload":${text}}`);
      expect(res.status).toBe(202);
      ids.push(res.json.id as string);
    }
    // One more through the SDK, which serializes its own value.
    const sdkMessage = await svix.message.create(appId, {
      eventType: "payment.event",
      payload: { type: "charge", data: { amount: 120, currency: "EUR", items: [{ sku: "Z" }] } },
    });
    ids.push(sdkMessage.id);
    const expected = [...PAYLOADS.map(([, m]) => m), true];
    const matching = ids.filter((_, i) => expected[i]);

    await plain.receiver.waitFor(ids.length, 20_000);
    await filtered.receiver.waitFor(matching.length, 20_000);
    // Anything the filtered endpoint should not get would have been sent along with the rest.
    await sleep(500);
    expect([...verified(plain).keys()].sort()).toEqual([...ids].sort());
    const got = verified(filtered);
    expect([...got.keys()].sort()).toEqual([...matching].sort());
    expect(got.get(ids[7]!)).toBe(PAYLOADS[7]![0]);

    // Deliveries exist for matches only: the attempts API shows none to the filtered endpoint otherwise.
    const attempts = await svix.messageAttempt.listByEndpoint(appId, filtered.id);
    expect(new Set(attempts.data.map((a) => a.msgId))).toEqual(new Set(matching));

    // Resend is an operator's explicit choice: it sends a message the filter refused.
    const refused = ids[1]!;
    await svix.messageAttempt.resend(appId, refused, filtered.id);
    await filtered.receiver.waitFor(matching.length + 1, 20_000);
    expect(verified(filtered).get(refused)).toBe(PAYLOADS[1]![0]);

    // Replay-missing applies the filter: an endpoint created afterwards gets only the matches.
    const late = await endpoint(FILTER);
    const task = await svix.endpoint.replayMissing(appId, late.id, { since: new Date(Date.now() - 3_600_000) });
    for (let i = 0; (await svix.backgroundTask.get(task.id)).status === BackgroundTaskStatus.Running; i++) {
      if (i > 400) throw new Error("replay-missing did not finish");
      await sleep(50);
    }
    await late.receiver.waitFor(matching.length, 20_000);
    await sleep(500);
    expect([...verified(late).keys()].sort()).toEqual([...matching].sort());
  });

  it("a PATCH that changes the filter applies to the next message", async () => {
    const ep = await endpoint({ type: "nothing-matches-this" });
    const patched = await api("PATCH", `/api/v1/app/${appId}/endpoint/${ep.id}`, JSON.stringify({ filter: { type: "refund" } }));
    expect(patched.json.filter).toEqual({ type: "refund" });
    const skip = await svix.message.create(appId, { eventType: "payment.event", payload: { type: "charge" } });
    const take = await svix.message.create(appId, { eventType: "payment.event", payload: { type: "refund" } });
    await ep.receiver.waitFor(1, 20_000);
    await sleep(500);
    expect([...verified(ep).keys()]).toEqual([take.id]);
    expect(skip.id).not.toBe(take.id);
  });
});
