import { createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";

import { Webhook } from "standardwebhooks";
import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { generateEd25519Secret } from "../../src/lib/ed25519-keys.js";
import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type Received, type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

/**
 * A receiver's check of `v1a` entries, written from the Standard Webhooks spec with node:crypto
 * and nothing of Hookrelay's: ed25519 over `{id}.{timestamp}.{body}`, verified with the `whpk_`
 * public key alone. Returns how many entries verify.
 */
function v1aMatches(publicKey: string, got: Received): number {
  const x = Buffer.from(publicKey.replace(/^whpk_/, ""), "base64").toString("base64url");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  const content = Buffer.from(`${String(got.headers["webhook-id"])}.${String(got.headers["webhook-timestamp"])}.${got.body}`);
  return String(got.headers["webhook-signature"])
    .split(" ")
    .filter((e) => e.startsWith("v1a,"))
    .filter((e) => verify(null, content, key, Buffer.from(e.slice(4), "base64"))).length;
}

/** Seed 003's `verifyWebhook`, as its document prints it, with the window in seconds (t is unix seconds). */
function seedVerifyWebhook(payload: unknown, signature: string, secret: string): boolean {
  const parts = signature.split(",");
  const timestamp = parts[0]!.split("=")[1]!;
  const receivedSig = parts[1]!.split("=")[1]!;
  if (Date.now() / 1000 - parseInt(timestamp) > 300) return false;
  const message = `${timestamp}.${JSON.stringify(payload)}`;
  const expectedSig = createHmac("sha256", secret).update(message).digest("hex");
  return timingSafeEqual(Buffer.from(receivedSig), Buffer.from(expectedSig));
}

describeEachStore("signature schemes: ed25519 and X-Webhook-Signature, end to end (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  const receivers: Receiver[] = [];
  const appId = "signing";
  const secretKeys: string[] = [];

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({ env: { HOOKRELAY_LOG_LEVEL: "debug", ...(schema ? { DATABASE_URL: schema.url } : {}) } });
    svix = new Svix(server.token, { serverUrl: server.url });
    await svix.application.create({ name: "Signing", uid: appId });
  });

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, text, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  /** A receiver of its own per endpoint, so a delivery is known to come from that endpoint. */
  const newReceiver = async (): Promise<string> => {
    const r = await startReceiver();
    receivers.push(r);
    return r.url;
  };
  const deliveryOf = async (msgId: string, header = "webhook-id"): Promise<Received> => {
    const receiver = receivers.at(-1)!;
    for (let waited = 0; waited < 20_000; waited += 50) {
      const got = receiver.received.find((r) => r.headers[header] === msgId);
      if (got) return got;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no delivery of ${msgId}`);
  };
  const send = async (eventType: string, payload: Record<string, unknown>) =>
    (await svix.message.create(appId, { eventType, payload })).id;
  const verifyRoute = async (body: Record<string, unknown>) => (await api("POST", "/api/v1/verify", body)).json;

  it("an ed25519 endpoint's delivery verifies with only the public key read through the API", async () => {
    // Svix's way: the SDK passes a whsk_ secret key.
    const secretKey = generateEd25519Secret();
    secretKeys.push(secretKey);
    const ep = await svix.endpoint.create(appId, { url: await newReceiver(), secret: secretKey });
    const publicKey = (await svix.endpoint.getSecret(appId, ep.id)).key;
    expect(publicKey).toMatch(/^whpk_/);
    const out = await api("GET", `/api/v1/app/${appId}/endpoint/${ep.id}`);
    expect(out.json).toMatchObject({ signatureAlgorithm: "ed25519", publicKey, signatureScheme: "standard-webhooks" });

    const id = await send("ed.svix", { order: 1 });
    const got = await deliveryOf(id);
    expect(String(got.headers["webhook-signature"])).toMatch(/^v1a,\S+$/);
    expect(got.headers["svix-signature"]).toBe(got.headers["webhook-signature"]);
    expect(v1aMatches(publicKey, got)).toBe(1);

    // Hookrelay's way: ask for a generated key; the private key is never shown.
    const created = await api("POST", `/api/v1/app/${appId}/endpoint`, { url: await newReceiver(), signatureAlgorithm: "ed25519" });
    expect(created.status, created.text).toBe(201);
    expect(created.text).not.toContain("whsk_");
    const generatedKey = created.json.publicKey as string;
    expect((await svix.endpoint.getSecret(appId, created.json.id as string)).key).toBe(generatedKey);
    const id2 = await send("ed.generated", { order: 2 });
    const got2 = await deliveryOf(id2);
    expect(v1aMatches(generatedKey, got2)).toBe(1);
    expect(v1aMatches(publicKey, got2)).toBe(0);

    // The verify route: by endpoint, and by the public key alone; a changed body is refused.
    const headers = got2.headers as Record<string, string>;
    expect(await verifyRoute({ appId, endpointId: created.json.id, headers, body: got2.body })).toMatchObject({ valid: true, signatures: [{ version: "v1a", matchedKey: "current" }] });
    expect(await verifyRoute({ publicKey: generatedKey, headers, body: got2.body })).toMatchObject({ valid: true });
    expect(await verifyRoute({ publicKey: publicKey, headers, body: got2.body })).toMatchObject({ valid: false, reason: "no_match" });
    expect(await verifyRoute({ publicKey: generatedKey, headers, body: `${got2.body} ` })).toMatchObject({ valid: false, reason: "no_match" });
  });

  it("a rotation during its grace period carries both signatures, whatever the kinds of key", async () => {
    const ep = await svix.endpoint.create(appId, { url: await newReceiver() });
    const hmacSecret = (await svix.endpoint.getSecret(appId, ep.id)).key;
    expect(hmacSecret).toMatch(/^whsec_/);

    // HMAC → ed25519 (generated): v1 with the old secret and v1a with the new key.
    const rotated = await api("POST", `/api/v1/app/${appId}/endpoint/${ep.id}/secret/rotate`, { signatureAlgorithm: "ed25519", gracePeriodSeconds: 3600 });
    expect(rotated.status, rotated.text).toBe(204);
    const firstKey = (await svix.endpoint.getSecret(appId, ep.id)).key;
    expect(firstKey).toMatch(/^whpk_/);
    const got = await deliveryOf(await send("rotate.test", { step: 1 }));
    expect(String(got.headers["webhook-signature"]).split(" ").map((e) => e.split(",")[0])).toEqual(["v1a", "v1"]);
    expect(v1aMatches(firstKey, got)).toBe(1);
    expect(() => new Webhook(hmacSecret).verify(got.body, got.headers as Record<string, string>)).not.toThrow();

    // ed25519 → ed25519 through the SDK (a whsk_ key): both public keys verify one entry each.
    const nextKey = generateEd25519Secret();
    secretKeys.push(nextKey);
    await svix.endpoint.rotateSecret(appId, ep.id, { key: nextKey, gracePeriodSeconds: 3600 });
    const secondKey = (await svix.endpoint.getSecret(appId, ep.id)).key;
    const got2 = await deliveryOf(await send("rotate.test", { step: 2 }));
    expect(String(got2.headers["webhook-signature"]).split(" ").map((e) => e.split(",")[0])).toEqual(["v1a", "v1a", "v1"]);
    expect(v1aMatches(secondKey, got2)).toBe(1);
    expect(v1aMatches(firstKey, got2)).toBe(1);
    const labels = (await verifyRoute({ appId, endpointId: ep.id, headers: got2.headers, body: got2.body })).signatures as { matchedKey: string }[];
    expect(labels.map((s) => s.matchedKey)).toEqual(["current", "previous 1", "previous 2"]);

    // A rotation without a key keeps the endpoint's kind; grace 0 stops the replaced key at once
    // (the older ones keep their own grace).
    await svix.endpoint.rotateSecret(appId, ep.id, { gracePeriodSeconds: 0 });
    const thirdKey = (await svix.endpoint.getSecret(appId, ep.id)).key;
    expect(thirdKey).toMatch(/^whpk_/);
    const got3 = await deliveryOf(await send("rotate.test", { step: 3 }));
    expect(String(got3.headers["webhook-signature"]).split(" ").map((e) => e.split(",")[0])).toEqual(["v1a", "v1a", "v1"]);
    expect(v1aMatches(thirdKey, got3)).toBe(1);
    expect(v1aMatches(secondKey, got3)).toBe(0);
    expect(v1aMatches(firstKey, got3)).toBe(1);
  });

  it("an X-Webhook-Signature endpoint's delivery verifies with seed 003's algorithm", async () => {
    const created = await api("POST", `/api/v1/app/${appId}/endpoint`, { url: await newReceiver(), signatureScheme: "x-webhook-signature" });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ signatureScheme: "x-webhook-signature", signatureAlgorithm: "hmac-sha256", publicKey: null });
    const epId = created.json.id as string;
    const secret = (await svix.endpoint.getSecret(appId, epId)).key;
    // The SDK parses the endpoint and keeps working with it.
    expect((await svix.endpoint.get(appId, epId)).id).toBe(epId);

    const payload = { transactionId: "txn_xyz789", amount: 1000, currency: "USD" };
    const id = await send("transaction.completed", payload);
    const got = await deliveryOf(id, "x-webhook-id");
    expect(Object.keys(got.headers).filter((h) => h.startsWith("webhook-") || h.startsWith("svix-"))).toEqual([]);
    expect(got.headers["x-webhook-event"]).toBe("transaction.completed");
    expect(Date.parse(String(got.headers["x-webhook-timestamp"]))).toBeGreaterThan(Date.now() - 60_000);
    const signature = String(got.headers["x-webhook-signature"]);
    expect(signature).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(seedVerifyWebhook(JSON.parse(got.body), signature, secret)).toBe(true);
    expect(seedVerifyWebhook({ ...payload, amount: 1 }, signature, secret)).toBe(false);

    const headers = got.headers as Record<string, string>;
    expect(await verifyRoute({ appId, endpointId: epId, headers, body: got.body })).toMatchObject({ valid: true, headerFamily: "x-webhook", msgId: id });
    expect(await verifyRoute({ secret, headers, body: got.body })).toMatchObject({ valid: true });
    expect(await verifyRoute({ secret, headers, body: got.body.replace("1000", "1001") })).toMatchObject({ valid: false, reason: "no_match" });

    // Rotation: the new secret's v1 first (what the seed's receiver reads), the old one's after.
    await svix.endpoint.rotateSecret(appId, epId, { gracePeriodSeconds: 3600 });
    const next = (await svix.endpoint.getSecret(appId, epId)).key;
    const got2 = await deliveryOf(await send("transaction.completed", payload), "x-webhook-id");
    const signature2 = String(got2.headers["x-webhook-signature"]);
    expect(signature2).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(seedVerifyWebhook(JSON.parse(got2.body), signature2, next)).toBe(true);
    expect(await verifyRoute({ secret, headers: got2.headers, body: got2.body })).toMatchObject({ valid: true });

    // Back to Standard Webhooks with PATCH; an ed25519 key cannot sign this scheme.
    expect((await api("PATCH", `/api/v1/app/${appId}/endpoint/${epId}`, { signatureScheme: "standard-webhooks" })).json).toMatchObject({ signatureScheme: "standard-webhooks" });
    const got3 = await deliveryOf(await send("transaction.completed", payload));
    expect(() => new Webhook(next).verify(got3.body, got3.headers as Record<string, string>)).not.toThrow();
    const refused = await api("POST", `/api/v1/app/${appId}/endpoint`, { url: await newReceiver(), signatureScheme: "x-webhook-signature", signatureAlgorithm: "ed25519" });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ code: "signature_scheme_mismatch" });
  });

  it("never returns or logs an ed25519 secret key after creation", async () => {
    const list = await api("GET", `/api/v1/app/${appId}/endpoint?limit=250`);
    const audit = await api("GET", `/api/v1/audit-log?limit=250`);
    for (const key of secretKeys) {
      const material = key.slice("whsk_".length, "whsk_".length + 43);
      expect(list.text).not.toContain(material);
      expect(audit.text).not.toContain(material);
      expect(server.output()).not.toContain(material);
    }
    expect(list.text).not.toContain("whsk_");
  });
});
