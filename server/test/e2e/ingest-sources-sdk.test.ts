import { createHmac } from "node:crypto";

import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { ApiException, Ordering, Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { runReadmeSnippet } from "../support/readme-snippets.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const STRIPE_SECRET = "whsec_ingest_e2e_stripe_secret";
const stripeSdk = new Stripe("sk_test_not_used");

/** A Stripe event posted to `url` as Stripe would: `Stripe-Signature` over the exact body. */
async function postStripe(url: string, event: Record<string, unknown>, secret = STRIPE_SECRET): Promise<Response> {
  const payload = JSON.stringify(event);
  const signature = stripeSdk.webhooks.generateTestHeaderString({ payload, secret });
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload });
}

interface Relayed {
  provider: string;
  providerEventType: string;
  original: Record<string, unknown>;
}

/**
 * Svix's ingest API end to end: the real server process (API and worker), the official Svix SDK
 * 2.x driving every `svix.ingest.source.*`, `svix.ingest.endpoint.*` and
 * `svix.ingest.authentication.consumerPortalAccess` method, a Stripe-signed call (signed by the
 * official `stripe` package) posted to the source's `ingestUrl`, and a loopback receiver that
 * verifies the relayed delivery with `standardwebhooks`.
 */
describeEachStore("ingest sources through the official Svix SDK (%s)", (kind) => {
  let server: ServerProcess;
  let svix: Svix;
  let schema: PgSchema | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    if (kind === "postgres") schema = await createPgSchema(TEST_POSTGRES_URL!);
    server = await startServer({
      env: {
        // Request logging on: the ingest URL's token must still never reach the log.
        HOOKRELAY_LOG_REQUESTS: "true",
        HOOKRELAY_LOG_LEVEL: "info",
        ...(schema ? { DATABASE_URL: schema.url } : {}),
      },
    });
    svix = new Svix(server.token, { serverUrl: server.url });
  }, 60_000);

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await server?.stop();
    server?.cleanup();
    await schema?.drop();
  });

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  it("drives every ingest source method and relays a verified Stripe call, signed, to the source's endpoint", async () => {
    const sources = svix.ingest.source;
    const source = await sources.create({
      name: "Stripe (production)",
      uid: "stripe-prod",
      metadata: { team: "billing" },
      type: "stripe",
      config: { secret: STRIPE_SECRET },
    });
    expect(source).toMatchObject({ uid: "stripe-prod", type: "stripe", name: "Stripe (production)", metadata: { team: "billing" } });
    expect(source.id).toMatch(/^src_/);
    expect(source.createdAt).toBeInstanceOf(Date);
    expect(source.ingestUrl).toMatch(new RegExp(`^${server.url}/ingest/in/[A-Za-z0-9_-]{43}$`));
    expect(await sources.get("stripe-prod")).toMatchObject({ id: source.id, ingestUrl: source.ingestUrl });

    const generic = await sources.create({ name: "Anything", type: "generic-webhook" });
    const svixSigned = await sources.create({ name: "Upstream Svix", type: "svix", config: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } });
    const first = await sources.list({ limit: 1, order: Ordering.Ascending });
    expect(first.data).toHaveLength(1);
    expect(first.done).toBe(false);
    const rest = await sources.list({ limit: 10, iterator: first.iterator, order: Ordering.Ascending });
    const ids = [...first.data, ...rest.data].map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([source.id, generic.id, svixSigned.id]));
    expect(new Set(ids).size).toBe(ids.length);

    // The source's endpoints: every svix.ingest.endpoint method.
    const endpoints = svix.ingest.endpoint;
    const r = await receiver();
    const endpoint = await endpoints.create(source.id, {
      url: r.url,
      uid: "billing-service",
      description: "billing",
      metadata: { env: "prod" },
      headers: { "X-Team": "billing" },
    });
    expect(endpoint).toMatchObject({ url: r.url, uid: "billing-service", description: "billing", metadata: { env: "prod" }, disabled: false });
    expect(await endpoints.get("stripe-prod", "billing-service")).toMatchObject({ id: endpoint.id });
    const other = await endpoints.upsert(source.id, "spare", { url: "https://hooks.example.com/spare", disabled: true });
    expect(other).toMatchObject({ uid: "spare", disabled: true });
    expect((await endpoints.upsert(source.id, other.id, { url: "https://hooks.example.com/spare2", disabled: true })).url).toBe(
      "https://hooks.example.com/spare2",
    );
    const listed = await endpoints.list(source.id, { limit: 10 });
    expect(listed.data.map((e) => e.id).sort()).toEqual([endpoint.id, other.id].sort());
    await endpoints.delete(source.id, other.id);
    await expect(endpoints.get(source.id, other.id)).rejects.toMatchObject({ code: 404 });

    await endpoints.rotateSecret(source.id, endpoint.id, { key: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", gracePeriodSeconds: 0 });
    const secret = (await endpoints.getSecret(source.id, endpoint.id)).key;
    expect(secret).toBe("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
    await endpoints.setHeaders(source.id, endpoint.id, { headers: { "X-Team": "payments", Authorization: "Bearer t0k3n" } });
    const headers = await endpoints.getHeaders(source.id, endpoint.id);
    expect(headers.headers["X-Team"]).toBe("payments");
    expect(headers.headers.Authorization).not.toBe("Bearer t0k3n");
    expect(headers.sensitive).toContain("Authorization");

    // A provider's call to the ingest URL: verified with Stripe's scheme, relayed signed.
    const event = { id: "evt_ingest_1", object: "event", type: "invoice.paid", data: { object: { id: "in_1", amount_paid: 1230 } } };
    const accepted = await postStripe(source.ingestUrl!, event);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ status: "accepted" });
    const [got] = await r.waitFor(1, 20_000);
    const relayed = new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>) as Relayed;
    expect(relayed).toMatchObject({ provider: "stripe", providerEventType: "invoice.paid", original: event });
    expect(got!.headers["x-team"]).toBe("payments");
    expect(got!.headers.authorization).toBe("Bearer t0k3n");
    // A forged call is refused and never relayed.
    expect((await postStripe(source.ingestUrl!, { ...event, id: "evt_forged" }, "whsec_wrong")).status).toBe(401);

    // Rotating the token: a new URL works, the old one is gone.
    const { ingestUrl } = await sources.rotateToken(source.id);
    expect(ingestUrl).not.toBe(source.ingestUrl);
    expect((await sources.get(source.id)).ingestUrl).toBe(ingestUrl);
    expect((await postStripe(source.ingestUrl!, { ...event, id: "evt_old_url" })).status).toBe(404);
    expect((await postStripe(ingestUrl, { ...event, id: "evt_new_url" })).status).toBe(200);
    const afterRotate = await r.waitFor(2, 20_000);
    const second = new Webhook(secret).verify(afterRotate[1]!.body, afterRotate[1]!.headers as Record<string, string>) as Relayed;
    expect(second.original.id).toBe("evt_new_url");
    // Neither token reached the log, though every request was logged.
    expect(server.output()).toContain("/ingest/in/[redacted]");
    for (const url of [source.ingestUrl!, ingestUrl]) expect(server.output()).not.toContain(url.split("/").pop()!);
    // The source's own id is no URL: only the token reaches an ingest source.
    expect((await postStripe(`${server.url}/ingest/${source.id}`, { ...event, id: "evt_by_id" })).status).toBe(404);

    // The dashboard: a portal session limited to the source's endpoints.
    const portal = await svix.ingest.authentication.consumerPortalAccess(source.id, { expiry: 3600 });
    expect(portal.url).toBe(`${server.url}/portal#token=${portal.token}`);
    const session = new Svix(portal.token, { serverUrl: server.url });
    const whoami = await fetch(`${server.url}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${portal.token}` } });
    const appId = ((await whoami.json()) as { appId: string }).appId;
    expect((await session.endpoint.list(appId)).data.map((e) => e.id)).toEqual([endpoint.id]);
    await expect(session.ingest.source.list()).rejects.toMatchObject({ code: 403 });
    // Endpoints only: the session can neither publish into the source's application nor touch its source.
    await expect(session.message.create(appId, { eventType: "invoice.paid", payload: {} })).rejects.toMatchObject({ code: 403 });
    const asSource = await fetch(`${server.url}/api/v1/app/${appId}/source`, { headers: { authorization: `Bearer ${portal.token}` } });
    expect(asSource.status).toBe(404);

    // Upsert: replaces (masked secret kept), or creates under the path's uid.
    const replaced = await sources.upsert(source.id, { name: "Stripe (prod)", uid: "stripe-prod", type: "stripe", config: source.config as { secret: string } });
    expect(replaced).toMatchObject({ id: source.id, name: "Stripe (prod)", ingestUrl });
    expect((await postStripe(ingestUrl, { ...event, id: "evt_after_put" })).status).toBe(200);
    // PATCH (Svix's IngestSourcePatch; svix 2.5 has no method for it yet): only what is sent.
    const patched = await fetch(`${server.url}/ingest/api/v1/source/${source.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ metadata: { team: "payments" } }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: "Stripe (prod)", uid: "stripe-prod", metadata: { team: "payments" } });
    const created = await sources.upsert("github-main", { name: "GitHub", type: "github", config: { secret: "gh-secret" } });
    expect(created).toMatchObject({ uid: "github-main", type: "github" });

    // Bad input is a 4xx, never a 5xx.
    await expect(sources.create({ name: "Stripe again", uid: "stripe-prod", type: "stripe", config: { secret: "x" } })).rejects.toMatchObject({ code: 409 });
    await expect(sources.create({ name: "No secret", type: "stripe", config: {} as { secret: string } })).rejects.toMatchObject({ code: 422 });
    await expect(sources.create({ name: "Cron", type: "cron", config: { schedule: "* * * * *", payload: "{}" } })).rejects.toMatchObject({ code: 422 });
    await expect(endpoints.create(source.id, { url: "not a url" })).rejects.toBeInstanceOf(ApiException);
    await expect(endpoints.list("src_doesnotexist")).rejects.toMatchObject({ code: 404 });

    // Deleting the source: its URL, endpoints and application go with it.
    for (const id of [source.id, generic.id, svixSigned.id, created.id]) await sources.delete(id);
    await expect(sources.get(source.id)).rejects.toMatchObject({ code: 404 });
    expect((await postStripe(ingestUrl, { ...event, id: "evt_deleted" })).status).toBe(404);
  });

  it("relays an unsigned call to a generic-webhook source and keeps its application out of the application routes", async () => {
    const source = await svix.ingest.source.create({ name: "Generic", type: "generic-webhook" });
    const r = await receiver();
    const endpoint = await svix.ingest.endpoint.create(source.id, { url: r.url });
    const secret = (await svix.ingest.endpoint.getSecret(source.id, endpoint.id)).key;
    const res = await fetch(source.ingestUrl!, { method: "POST", headers: { "content-type": "application/json" }, body: '{"type":"ping","n":1}' });
    expect(res.status).toBe(200);
    const [got] = await r.waitFor(1, 20_000);
    expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({
      provider: "generic-webhook",
      original: { type: "ping", n: 1 },
    });

    const apps = await svix.application.list({ limit: 250 });
    expect(apps.data.some((a) => a.name.startsWith("Ingest source"))).toBe(false);
    const portal = await svix.ingest.authentication.consumerPortalAccess(source.id);
    const whoami = await fetch(`${server.url}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${portal.token}` } });
    const appId = ((await whoami.json()) as { appId: string }).appId;
    await expect(svix.endpoint.list(appId)).rejects.toMatchObject({ code: 404 });
    await svix.ingest.source.delete(source.id);
  });

  it("runs an ingest endpoint's transformation (svix.ingest.endpoint.transformation.get/patch) before signing", async () => {
    const source = await svix.ingest.source.create({ name: "Transformed", type: "generic-webhook" });
    const r = await receiver();
    const endpoint = await svix.ingest.endpoint.create(source.id, { url: r.url });
    const secret = (await svix.ingest.endpoint.getSecret(source.id, endpoint.id)).key;
    expect(await svix.ingest.endpoint.transformation.get(source.id, endpoint.id)).toMatchObject({ enabled: false });
    const code =
      "function handler(webhook) { webhook.payload = { n: webhook.payload.original.n * 2 }; " +
      "webhook.headers = { 'x-transformed': 'yes' }; return webhook; }";
    await svix.ingest.endpoint.transformation.patch(source.id, endpoint.id, { code, enabled: true });
    expect(await svix.ingest.endpoint.transformation.get(source.id, endpoint.id)).toMatchObject({ code, enabled: true });

    const res = await fetch(source.ingestUrl!, { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":21}' });
    expect(res.status).toBe(200);
    const [got] = await r.waitFor(1, 20_000);
    expect(got!.headers["x-transformed"]).toBe("yes");
    expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toEqual({ n: 42 });
    await svix.ingest.source.delete(source.id);
  });

  it("serves Hookrelay's own provider types over plain HTTP (careem, signed with its scheme)", async () => {
    const admin = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
    const res = await fetch(`${server.url}/ingest/api/v1/source`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "Careem", type: "careem", config: { secret: "careem-secret" } }),
    });
    expect(res.status).toBe(201);
    const source = (await res.json()) as { id: string; ingestUrl: string; type: string; config: Record<string, unknown> };
    expect(source).toMatchObject({ type: "careem", config: { secret: "****" } });
    // The SDK cannot read a type it does not know, as the README says.
    await expect(svix.ingest.source.get(source.id)).rejects.toThrow(/Unexpected type/);
    const r = await receiver();
    const endpoint = await svix.ingest.endpoint.create(source.id, { url: r.url });
    const secret = (await svix.ingest.endpoint.getSecret(source.id, endpoint.id)).key;
    const body = JSON.stringify({ event_type: "order.created", data: { order: { id: "o_1" } } });
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = createHmac("sha256", "careem-secret").update(`${ts}.${body}`).digest("hex");
    const call = await fetch(source.ingestUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-careem-timestamp": ts, "x-careem-signature": signature },
      body,
    });
    expect(call.status).toBe(200);
    const [got] = await r.waitFor(1, 20_000);
    expect(new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>)).toMatchObject({ provider: "careem" });
    await svix.ingest.source.delete(source.id);
  });

  it("runs the README's ingest example as written", async () => {
    const { code, output } = await runReadmeSnippet("ingest", server.url, server.token);
    expect(code, output).toBe(0);
    const printed = output.match(/^give Stripe (\S+) and verify what billing receives with (whsec_\S+)$/m);
    expect(printed, output).not.toBeNull();
    const source = await svix.ingest.source.get("stripe-production");
    expect(source.ingestUrl).toBe(printed![1]);
    const [endpoint] = (await svix.ingest.endpoint.list(source.id)).data;
    expect((await svix.ingest.endpoint.getSecret(source.id, endpoint!.id)).key).toBe(printed![2]);
    await svix.ingest.source.delete(source.id);
  });
});
