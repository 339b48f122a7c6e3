import { Webhook } from "standardwebhooks";
import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import {
  createPgSchema,
  describeEachStore,
  type PgSchema,
  TEST_POSTGRES_URL,
} from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/** Nested `levels` deep: `{"d":{"d":…{}…}}`. */
const nested = (levels: number): string => '{"d":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);

/**
 * Payloads a parse and re-serialization would change. Each is sent as the text of `payload` in
 * the body and must reach the receiver byte for byte (ADR 13).
 */
const TRICKY: [name: string, payload: string][] = [
  ["an integer past 2^53", '{"id":9007199254740993}'],
  ["integers of any size", '{"big":123456789012345678901234567890,"neg":-123456789012345678901234567890}'],
  ["numbers outside double range", '{"huge":1e400,"tiny":1e-400,"negative":-1E+999}'],
  ["negative zero", '{"z":-0,"zf":-0.0}'],
  ["decimals and exponents as written", '{"price":12.30,"hundred":1E+2,"small":1.0e-7,"int":100}'],
  [
    "unicode, emoji and escapes",
    '{"t":"héllo 😀 ✓","esc":"\\u2028\\u2029\\/\\"\\\\\\n","pair":"\\ud83d\\ude00","lone":"\\ud800","nul":"\\u0000","e":"\\u00e9"}',
  ],
  ["key order with integer-like keys", '{"b":1,"2":0,"a":{"10":1,"9":2,"z":[{"1":1,"0":0}]},"1":"one"}'],
  ["whitespace inside the payload", '{\n  "a" : [ 1 ,\t2 ],\r\n  "b" : { }\n}'],
  ["deep nesting within the limit", nested(120)],
  ["an empty object", "{}"],
];

describeEachStore("payloads are delivered exactly as sent (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  let receiver: Receiver;
  let secret: string;
  const appId = "exact";

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({ env: schema ? { DATABASE_URL: schema.url } : {} });
    svix = new Svix(server.token, { serverUrl: server.url });
    await svix.application.create({ name: "Exact", uid: appId });
    receiver = await startReceiver();
    const ep = await svix.endpoint.create(appId, { url: receiver.url });
    secret = (await svix.endpoint.getSecret(appId, ep.id)).key;
  });

  afterAll(async () => {
    await receiver?.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/v1/app/${appId}/msg`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json", ...headers },
      body,
    });
  const getText = async (path: string): Promise<string> => {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(r.status).toBe(200);
    return r.text();
  };
  /** The delivery of message `id`, verified with the `standardwebhooks` package on its exact bytes. */
  const deliveryOf = async (id: string): Promise<string> => {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const got = receiver.received.find((r) => r.headers["webhook-id"] === id);
      if (got) {
        expect(() =>
          new Webhook(secret).verify(got.body, got.headers as Record<string, string>),
        ).not.toThrow();
        return got.body;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no delivery of ${id}`);
  };

  it.each(TRICKY)("%s: delivered, signed, answered and shown byte for byte", async (_name, payload) => {
    const r = await post(`{"eventType":"exact.test","payload":${payload}}`);
    const text = await r.text();
    expect(r.status).toBe(202);
    // The answer writes the stored payload verbatim, as GET and list do.
    expect(text).toContain(`"payload":${payload},`);
    const { id } = JSON.parse(text) as { id: string };
    expect(await deliveryOf(id)).toBe(payload);
    expect(await getText(`/api/v1/app/${appId}/msg/${id}`)).toContain(`"payload":${payload},`);
    expect(await getText(`/api/v1/app/${appId}/msg?limit=250`)).toContain(
      `"id":"${id}","eventType":"exact.test","eventId":null,"payload":${payload},`,
    );
  });

  it("takes the payload's own text, not the envelope's whitespace around it, from anywhere in the envelope", async () => {
    const r = await post('{ "payload" :\n  {"b":1,"2":0}  ,\n "eventType" : "exact.test" }');
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    expect(await deliveryOf(id)).toBe('{"b":1,"2":0}');
  });

  it("refuses what the JSON grammar refuses with 400 invalid_json, and a non-object payload with 422", async () => {
    for (const body of [
      '{"eventType":"exact.test","payload":{"a":1,}}',
      '{"eventType":"exact.test","payload":{"a":NaN}}',
      '{"eventType":"exact.test","payload":{"a":1} /* note */}',
      '{"eventType":"exact.test","payload":{"a":01}}',
      '{"eventType":"exact.test","payload":{"a":"\\x"}}',
    ]) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(await r.json()).toMatchObject({ code: "invalid_json" });
    }
    const r = await post('{"eventType":"exact.test","payload":[1]}');
    expect(r.status).toBe(422);
  });

  it("replays an Idempotency-Key's answer byte for byte and sends once", async () => {
    const body = '{"eventType":"exact.test","payload":{"n":9007199254740993,"d":12.30}}';
    const first = await post(body, { "idempotency-key": `exact-${kind}` });
    const again = await post(body, { "idempotency-key": `exact-${kind}` });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const text = await first.text();
    expect(await again.text()).toBe(text);
    const { id } = JSON.parse(text) as { id: string };
    expect(await deliveryOf(id)).toBe('{"n":9007199254740993,"d":12.30}');
    expect(text).toContain('"payload":{"n":9007199254740993,"d":12.30}');
  });

  it("works unchanged through the official svix 2.x SDK", async () => {
    const payload = { invoiceId: "in_1", amount: 4200, lines: [{ sku: "a", qty: 2 }], note: "ünïcode ✓" };
    // 2.x asks for no content by default (with_content=false): the payload is left out.
    const msg = await svix.message.create(appId, { eventType: "exact.test", payload });
    expect(msg.payload).toEqual({});
    const keyed = await svix.message.create(
      appId,
      { eventType: "exact.test", payload },
      { withContent: true, idempotencyKey: `sdk-${kind}` },
    );
    expect(keyed.payload).toEqual(payload);
    expect((await svix.message.get(appId, keyed.id, { withContent: true })).payload).toEqual(payload);
    expect((await svix.message.get(appId, keyed.id)).payload).toEqual({});
    expect(await deliveryOf(msg.id)).toBe(JSON.stringify(payload));
    expect(await deliveryOf(keyed.id)).toBe(JSON.stringify(payload));
  });
});
