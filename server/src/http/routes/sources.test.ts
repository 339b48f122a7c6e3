import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function api(method: Method, url: string, payload?: object, app: TestApp = t, auth = app.auth) {
  const res = await app.app.inject({
    method,
    url,
    headers: auth,
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

let appCounter = 0;
async function createApp(app: TestApp = t): Promise<{ id: string; uid: string }> {
  const uid = `src-app-${++appCounter}`;
  const res = await api("POST", "/api/v1/app", { name: uid, uid }, app);
  expect(res.status).toBe(201);
  return { id: res.body.id as string, uid };
}

const CAREEM_SECRET = "careem_secret_key_client_123";

function careemHeaders(body: string, secret = CAREEM_SECRET): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    "content-type": "application/json",
    "x-careem-timestamp": ts,
    "x-careem-signature": createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex"),
  };
}

async function sendCareem(url: string, body: string, secret = CAREEM_SECRET, app: TestApp = t) {
  return app.app.inject({ method: "POST", url, payload: body, headers: careemHeaders(body, secret) });
}

const order = (id: string) => JSON.stringify({ event_type: "order.created", data: { order: { id } } });

describe("source CRUD", () => {
  it("creates, gets and lists a source by id and uid, with secrets masked and defaults filled in", async () => {
    const app = await createApp();
    const created = await api("POST", `/api/v1/app/${app.uid}/source`, {
      uid: "careem-main",
      name: "Careem Now",
      provider: "careem",
      config: { secret: CAREEM_SECRET, clientId: "client_123", apiKey: "careem_api_key_0123456789" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      uid: "careem-main",
      name: "Careem Now",
      provider: "careem",
      config: {
        secret: "…_123",
        apiKey: "…6789",
        clientId: "client_123",
        toleranceSeconds: 300,
        ipAllowlist: [],
      },
      ingestUrl: `http://127.0.0.1:8071/webhooks/careem/${app.uid}`,
      ingestUrls: [
        `http://127.0.0.1:8071/webhooks/careem/${app.uid}`,
        `http://127.0.0.1:8071/ingest/${created.body.id}`,
      ],
    });
    expect(created.body.id).toMatch(/^src_/);
    expect(JSON.stringify(created.body)).not.toContain(CAREEM_SECRET);

    const byId = await api("GET", `/api/v1/app/${app.id}/source/${created.body.id}`);
    expect(byId).toEqual({ status: 200, body: created.body });
    const byUid = await api("GET", `/api/v1/app/${app.uid}/source/careem-main`);
    expect(byUid).toEqual({ status: 200, body: created.body });
    const list = await api("GET", `/api/v1/app/${app.uid}/source`);
    expect(list.body).toMatchObject({ data: [created.body], done: true });
  });

  it("masks whsec_ secrets keeping the prefix, and short secrets entirely", async () => {
    const app = await createApp();
    const std = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "std",
      provider: "standard-webhooks",
      config: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    });
    expect(std.body.config.secret).toBe("whsec_…LaSw");
    expect(std.body.ingestUrl).toBe(`http://127.0.0.1:8071/ingest/${std.body.id}`);
    const jahez = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "jahez",
      provider: "jahez",
      config: { token: "short-token" },
    });
    expect(jahez.body.config.token).toBe("****");
  });

  it("seals the stored config when HOOKRELAY_SECRET_KEY is set, and still verifies with it", async () => {
    const sealed = await startTestApp({ secretKey: "a-secret-key-of-enough-length" });
    try {
      const app = await createApp(sealed);
      const res = await api(
        "POST",
        `/api/v1/app/${app.id}/source`,
        { name: "c", provider: "careem", config: { secret: CAREEM_SECRET } },
        sealed,
      );
      const row = await sealed.store.db
        .selectFrom("sources")
        .select("config")
        .where("id", "=", res.body.id)
        .executeTakeFirstOrThrow();
      expect(row.config.startsWith(`enc:v2:${sealed.keyring.currentId}:`)).toBe(true);
      expect(row.config).not.toContain(CAREEM_SECRET);
      const ok = await sendCareem(`/webhooks/careem/${app.uid}`, order("sealed"), CAREEM_SECRET, sealed);
      expect(ok.statusCode).toBe(200);
    } finally {
      await sealed.close();
    }
  });

  it("uses HOOKRELAY_PUBLIC_URL for ingest URLs when set", async () => {
    const behindProxy = await startTestApp({ publicUrl: "https://hooks.example.com/" });
    try {
      const app = await createApp(behindProxy);
      const res = await api(
        "POST",
        `/api/v1/app/${app.id}/source`,
        { name: "t", provider: "talabat", config: { apiKey: "k" } },
        behindProxy,
      );
      expect(res.body.ingestUrl).toBe(`https://hooks.example.com/webhooks/talabat/${app.uid}`);
    } finally {
      await behindProxy.close();
    }
  });

  it("keeps a secret sent back masked on PUT, and replaces it when a new one is sent", async () => {
    const app = await createApp();
    const created = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "c",
      provider: "careem",
      config: { secret: CAREEM_SECRET },
    });
    const url = `/webhooks/careem/${app.uid}`;
    // GET → edit → PUT, the usual dashboard round trip: the masked secret must not be stored.
    const put = await api("PUT", `/api/v1/app/${app.id}/source/${created.body.id}`, {
      name: "renamed",
      provider: "careem",
      config: { ...created.body.config, toleranceSeconds: 60 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "renamed", config: { toleranceSeconds: 60, secret: "…_123" } });
    expect((await sendCareem(url, order("put-1"))).statusCode).toBe(200);

    const rotated = await api("PUT", `/api/v1/app/${app.id}/source/${created.body.id}`, {
      name: "renamed",
      provider: "careem",
      config: { secret: "careem_new_secret_0000000" },
    });
    expect(rotated.body.config).toMatchObject({ secret: "…0000", toleranceSeconds: 300 });
    expect((await sendCareem(url, order("put-2"))).statusCode).toBe(401);
    expect((await sendCareem(url, order("put-3"), "careem_new_secret_0000000")).statusCode).toBe(200);
  });

  it("creates a source on PUT to an unknown uid", async () => {
    const app = await createApp();
    const res = await api("PUT", `/api/v1/app/${app.id}/source/by-put`, {
      name: "p",
      provider: "stripe",
      config: { secret: "whsec_x" },
    });
    expect(res.status).toBe(201);
    expect(res.body.uid).toBe("by-put");
    // PUT is idempotent: the same request again, and again, replaces that same source.
    for (const name of ["p2", "p3"]) {
      const again = await api("PUT", `/api/v1/app/${app.id}/source/by-put`, {
        name,
        provider: "stripe",
        config: { secret: "whsec_x" },
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: res.body.id, uid: "by-put", name });
    }
    expect(
      (
        await api("PUT", `/api/v1/app/${app.id}/source/src_0000000000000000000000`, {
          name: "p",
          provider: "stripe",
          config: { secret: "whsec_x" },
        })
      ).status,
    ).toBe(404);
  });

  it("merges config on PATCH, and needs a whole config to change the provider", async () => {
    const app = await createApp();
    const created = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "c",
      provider: "careem",
      config: { secret: CAREEM_SECRET, rateLimits: [{ points: 5, durationSeconds: 60 }] },
    });
    const id = created.body.id as string;
    const patched = await api("PATCH", `/api/v1/app/${app.id}/source/${id}`, {
      config: { ipAllowlist: ["127.0.0.1"] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.config).toMatchObject({
      secret: "…_123",
      ipAllowlist: ["127.0.0.1"],
      rateLimits: [{ points: 5, durationSeconds: 60 }],
    });
    expect((await sendCareem(`/ingest/${id}`, order("patch-1"))).statusCode).toBe(200);
    // null restores the provider's documented limits.
    const reset = await api("PATCH", `/api/v1/app/${app.id}/source/${id}`, { config: { rateLimits: null } });
    expect(reset.body.config.rateLimits).toHaveLength(4);

    const noConfig = await api("PATCH", `/api/v1/app/${app.id}/source/${id}`, { provider: "talabat" });
    expect(noConfig.status).toBe(422);
    const switched = await api("PATCH", `/api/v1/app/${app.id}/source/${id}`, {
      provider: "talabat",
      config: { apiKey: "talabat_key" },
    });
    expect(switched.status).toBe(200);
    expect(switched.body.ingestUrl).toBe(`http://127.0.0.1:8071/webhooks/talabat/${app.uid}`);
    expect((await sendCareem(`/webhooks/careem/${app.uid}`, order("patch-2"))).statusCode).toBe(404);
  });

  it.each([
    ["a missing secret", "careem", {}, "config.secret"],
    [
      "an unknown setting",
      "careem",
      { secret: "s", secert: "typo" },
      "config.secert: not a setting of provider careem",
    ],
    [
      "a setting of another provider",
      "talabat",
      { apiKey: "k", toleranceSeconds: 30 },
      "config.toleranceSeconds",
    ],
    ["a tolerance out of range", "stripe", { secret: "s", toleranceSeconds: 0 }, "config.toleranceSeconds"],
    ["an invalid CIDR", "careem", { secret: "s", ipAllowlist: ["10.0.0.0/33"] }, "config.ipAllowlist.0"],
    ["a non-decimal IPv4", "careem", { secret: "s", ipAllowlist: ["0x7f.1"] }, "config.ipAllowlist.0"],
    [
      "a rate limit of zero points",
      "careem",
      { secret: "s", rateLimits: [{ points: 0, durationSeconds: 60 }] },
      "config.rateLimits.0.points",
    ],
    [
      "a rate limit with extra fields",
      "careem",
      { secret: "s", rateLimits: [{ points: 1, durationSeconds: 1, burst: 2 }] },
      "config.rateLimits.0",
    ],
    [
      "a Standard Webhooks secret that is not base64",
      "standard-webhooks",
      { secret: "whsec_***" },
      "config.secret",
    ],
    [
      "a generic template without the body",
      "hmac",
      { secret: "s", header: "x-sig", template: "{timestamp}" },
      "config.template",
    ],
  ])("refuses %s with 422", async (_name, provider, config, mentions) => {
    const app = await createApp();
    const res = await api("POST", `/api/v1/app/${app.id}/source`, { name: "bad", provider, config });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_error");
    expect(res.body.detail).toContain(mentions);
  });

  it("refuses an unknown provider and a non-object config with 422", async () => {
    const app = await createApp();
    for (const body of [
      { name: "x", provider: "ubereats", config: {} },
      { name: "x", provider: "careem", config: "secret" },
      { name: "x", provider: "careem" },
    ]) {
      const res = await api("POST", `/api/v1/app/${app.id}/source`, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });

  it("allows one source per delivery platform and application, any number of others", async () => {
    const app = await createApp();
    const first = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "a",
      provider: "careem",
      config: { secret: "s" },
    });
    expect(first.status).toBe(201);
    const second = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "b",
      provider: "careem",
      config: { secret: "s" },
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("conflict");
    for (const name of ["s1", "s2"]) {
      expect(
        (
          await api("POST", `/api/v1/app/${app.id}/source`, {
            name,
            provider: "stripe",
            config: { secret: "s" },
          })
        ).status,
      ).toBe(201);
    }
    await api("POST", `/api/v1/app/${app.id}/source`, {
      uid: "dup",
      name: "d",
      provider: "github",
      config: { secret: "s" },
    });
    const dupUid = await api("POST", `/api/v1/app/${app.id}/source`, {
      uid: "dup",
      name: "d",
      provider: "github",
      config: { secret: "s" },
    });
    expect(dupUid.status).toBe(409);
    // Another application may have its own Careem source.
    const other = await createApp();
    expect(
      (
        await api("POST", `/api/v1/app/${other.id}/source`, {
          name: "a",
          provider: "careem",
          config: { secret: "s" },
        })
      ).status,
    ).toBe(201);
  });

  it("answers 404 for a source of another application, by id and by uid, on every route", async () => {
    const a = await createApp();
    const b = await createApp();
    const src = await api("POST", `/api/v1/app/${a.id}/source`, {
      uid: "shared",
      name: "s",
      provider: "careem",
      config: { secret: CAREEM_SECRET },
    });
    const accepted = await sendCareem(`/ingest/${src.body.id}`, order("cross"));
    const reqId = accepted.json().id as string;
    expect(reqId).toMatch(/^req_/);
    for (const ref of [src.body.id as string, "shared"]) {
      for (const [method, suffix, body] of [
        ["GET", "", undefined],
        ["PUT", "", { name: "x", provider: "careem", config: { secret: "s" } }],
        ["PATCH", "", {}],
        ["DELETE", "", undefined],
        ["GET", "/request", undefined],
        ["GET", `/request/${reqId}`, undefined],
        ["POST", `/request/${reqId}/retry`, undefined],
      ] as [Method, string, object | undefined][]) {
        // PUT to an unknown uid would create a source of that uid in b, so it is tried by id only.
        if (method === "PUT" && ref === "shared") continue;
        const res = await api(method, `/api/v1/app/${b.id}/source/${ref}${suffix}`, body);
        expect(res.status, `${method} ${ref}${suffix}`).toBe(404);
      }
    }
    // The request id of one source is not found under another source of the same application.
    const sibling = await api("POST", `/api/v1/app/${a.id}/source`, {
      name: "g",
      provider: "github",
      config: { secret: "s" },
    });
    expect((await api("GET", `/api/v1/app/${a.id}/source/${sibling.body.id}/request/${reqId}`)).status).toBe(
      404,
    );
    // Still there under its own application.
    expect((await api("GET", `/api/v1/app/${a.id}/source/shared/request/${reqId}`)).status).toBe(200);
  });

  it("limits an application-scoped token to its own application's sources", async () => {
    const mine = await createApp();
    const theirs = await createApp();
    const token = await t.services.tokens.create(CLI_ACTOR, { name: "portal", appId: mine.id });
    const auth = { authorization: `Bearer ${token.token}` };
    const create = (appId: string) =>
      api(
        "POST",
        `/api/v1/app/${appId}/source`,
        { name: "p", provider: "stripe", config: { secret: "s" } },
        t,
        auth,
      );
    expect((await create(mine.id)).status).toBe(201);
    expect((await create(theirs.id)).status).toBe(404);
  });

  it("deletes a source with its request log, and the application's deletion removes its sources", async () => {
    const app = await createApp();
    const src = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "c",
      provider: "careem",
      config: { secret: CAREEM_SECRET },
    });
    expect((await sendCareem(`/ingest/${src.body.id}`, order("del"))).statusCode).toBe(200);
    expect((await api("DELETE", `/api/v1/app/${app.id}/source/${src.body.id}`)).status).toBe(204);
    expect((await api("GET", `/api/v1/app/${app.id}/source/${src.body.id}`)).status).toBe(404);
    expect((await sendCareem(`/ingest/${src.body.id}`, order("del-2"))).statusCode).toBe(404);
    const left = await t.store.db
      .selectFrom("inbound_requests")
      .select("id")
      .where("source_id", "=", src.body.id)
      .execute();
    expect(left).toHaveLength(0);

    const again = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "c",
      provider: "careem",
      config: { secret: CAREEM_SECRET },
    });
    expect((await sendCareem(`/ingest/${again.body.id}`, order("del-3"))).statusCode).toBe(200);
    expect((await api("DELETE", `/api/v1/app/${app.id}`)).status).toBe(204);
    const sources = await t.store.db
      .selectFrom("sources")
      .select("id")
      .where("app_id", "=", app.id)
      .execute();
    const requests = await t.store.db
      .selectFrom("inbound_requests")
      .select("id")
      .where("app_id", "=", app.id)
      .execute();
    expect([sources, requests]).toEqual([[], []]);
  });
});

describe("inbound request log", () => {
  async function careemSource() {
    const app = await createApp();
    const src = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "c",
      provider: "careem",
      config: { secret: CAREEM_SECRET },
    });
    return { app, id: src.body.id as string, base: `/api/v1/app/${app.id}/source/${src.body.id}` };
  }

  const pause = () => new Promise((r) => setTimeout(r, 5));

  it("lists requests newest first, filtered by status, provider and time, with iterators", async () => {
    const { id, base } = await careemSource();
    const url = `/ingest/${id}`;
    const first = await sendCareem(url, order("log-1"));
    await pause();
    const second = await sendCareem(url, order("log-2"));
    await pause();
    const duplicateBody = order("log-1");
    const dup = await t.app.inject({
      method: "POST",
      url,
      payload: duplicateBody,
      headers: careemHeaders(duplicateBody),
    });
    await pause();
    const rejected = await t.app.inject({
      method: "POST",
      url,
      payload: order("log-3"),
      headers: { "content-type": "application/json" },
    });
    expect([first.statusCode, second.statusCode, dup.statusCode, rejected.statusCode]).toEqual([
      200, 200, 200, 401,
    ]);
    expect(dup.json().status).toBe("duplicate");

    const all = await api("GET", `${base}/request`);
    expect(all.body.data.map((r: { status: string }) => r.status)).toEqual([
      "rejected",
      "duplicate",
      "accepted",
      "accepted",
    ]);
    expect(all.body.data[2]).toMatchObject({
      id: second.json().id,
      sourceId: id,
      provider: "careem",
      providerEventType: "order.created",
      msgId: second.json().msgId,
      reason: null,
      size: Buffer.byteLength(order("log-2")),
      retriedAt: null,
    });
    expect(all.body.data[2].processingMs).toBeGreaterThan(0);
    expect(all.body.data[0]).toMatchObject({ reason: "missing_signature", msgId: null });

    const count = async (query: string) =>
      (await api("GET", `${base}/request?${query}`)).body.data.length as number;
    expect(await count("status=accepted")).toBe(2);
    expect(await count("status=duplicate")).toBe(1);
    expect(await count("status=rejected")).toBe(1);
    expect(await count("provider=careem")).toBe(4);
    expect(await count("provider=talabat")).toBe(0);
    const secondAt = all.body.data[2].receivedAt as string;
    expect(await count(`after=${encodeURIComponent(secondAt)}`)).toBe(2);
    expect(await count(`before=${encodeURIComponent(secondAt)}`)).toBe(1);
    expect((await api("GET", `${base}/request?status=bogus`)).status).toBe(422);
    expect((await api("GET", `${base}/request?after=yesterday`)).status).toBe(422);

    const seen: string[] = [];
    let iterator: string | undefined;
    for (;;) {
      const page = await api("GET", `${base}/request?limit=3${iterator ? `&iterator=${iterator}` : ""}`);
      seen.push(...page.body.data.map((r: { id: string }) => r.id));
      if (page.body.done) break;
      iterator = page.body.iterator;
    }
    expect(seen).toEqual(all.body.data.map((r: { id: string }) => r.id));
  });

  it("shows one request with its body and headers, credentials and signatures redacted", async () => {
    const { id, base } = await careemSource();
    const body = order("detail");
    const headers: Record<string, string> = {
      ...careemHeaders(body),
      authorization: "Bearer careem-api-key",
      "x-careem-client-id": "client_123",
      "x-trace": "abc",
    };
    const res = await t.app.inject({ method: "POST", url: `/ingest/${id}`, payload: body, headers });
    const detail = await api("GET", `${base}/request/${res.json().id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      body,
      bodyEncoding: "utf8",
      bodyTruncated: false,
      status: "accepted",
    });
    expect(detail.body.headers).toMatchObject({
      "x-careem-signature": "[redacted]",
      authorization: "[redacted]",
      "x-careem-timestamp": headers["x-careem-timestamp"],
      "x-careem-client-id": "client_123",
      "x-trace": "abc",
    });
    expect(JSON.stringify(detail.body)).not.toContain(headers["x-careem-signature"]);
    expect((await api("GET", `${base}/request/req_0000000000000000000000`)).status).toBe(404);
  });

  it("stores a binary body as base64, and only the first 4 KiB of a rejected one, cut at a character", async () => {
    const app = await createApp();
    const src = await api("POST", `/api/v1/app/${app.id}/source`, {
      name: "h",
      provider: "hmac",
      config: { secret: "s3cret", header: "x-sig" },
    });
    const base = `/api/v1/app/${app.id}/source/${src.body.id}`;
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x41]);
    const sig = createHmac("sha256", "s3cret").update(binary).digest("hex");
    const ok = await t.app.inject({
      method: "POST",
      url: `/ingest/${src.body.id}`,
      payload: binary,
      headers: { "content-type": "application/octet-stream", "x-sig": sig },
    });
    expect(ok.statusCode).toBe(200);
    const stored = await api("GET", `${base}/request/${ok.json().id}`);
    expect(stored.body).toMatchObject({ bodyEncoding: "base64", size: 5 });
    expect(Buffer.from(stored.body.body, "base64").equals(binary)).toBe(true);

    // 1 ASCII byte then 2-byte characters: byte 4096 falls inside a character.
    const big = "a" + "é".repeat(3000);
    const refused = await t.app.inject({
      method: "POST",
      url: `/ingest/${src.body.id}`,
      payload: big,
      headers: { "content-type": "text/plain", "x-sig": "00" },
    });
    expect(refused.statusCode).toBe(401);
    const log = await api("GET", `${base}/request?status=rejected`);
    const detail = await api("GET", `${base}/request/${log.body.data[0].id}`);
    expect(detail.body).toMatchObject({
      bodyTruncated: true,
      bodyEncoding: "utf8",
      size: Buffer.byteLength(big),
      reason: "malformed_signature",
    });
    expect(Buffer.byteLength(detail.body.body)).toBe(4095);
    expect(big.startsWith(detail.body.body)).toBe(true);
  });

  it("re-processes a request: normalizes it again into a new message, linked without replacing the first", async () => {
    const { app, id, base } = await careemSource();
    const endpoint = await api("POST", `/api/v1/app/${app.id}/endpoint`, {
      url: "https://example.com/orders",
    });
    expect(endpoint.status).toBe(201);
    const res = await sendCareem(`/ingest/${id}`, order("retry-me"));
    const original = res.json() as { id: string; msgId: string };
    const retried = await api("POST", `${base}/request/${original.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ requestId: original.id, forced: false, actorName: "test-admin" });
    expect(retried.body.id).toMatch(/^rpr_/);
    expect(retried.body.msgId).toMatch(/^msg_/);
    expect(retried.body.msgId).not.toBe(original.msgId);
    const [before, after] = await Promise.all([
      api("GET", `/api/v1/app/${app.id}/msg/${original.msgId}`),
      api("GET", `/api/v1/app/${app.id}/msg/${retried.body.msgId}`),
    ]);
    expect(after.body).toMatchObject({ eventType: "order.created", payload: before.body.payload });
    await t.expand();
    const deliveries = await t.store.db
      .selectFrom("deliveries")
      .select("id")
      .where("msg_id", "=", retried.body.msgId)
      .execute();
    expect(deliveries).toHaveLength(1);
    const detail = (await api("GET", `${base}/request/${original.id}`)).body;
    expect(detail).toMatchObject({ msgId: original.msgId, reprocesses: [retried.body] });
    expect(detail.retriedAt).not.toBeNull();
  });

  it("re-processes a rejected request whose body was kept whole when forced, but not a truncated one", async () => {
    const { app, id, base } = await careemSource();
    const body = order("wrong-secret");
    const refused = await sendCareem(`/ingest/${id}`, body, "careem_secret_misconfigured");
    expect(refused.statusCode).toBe(401);
    const reqId = (await api("GET", `${base}/request?status=rejected`)).body.data[0].id as string;
    const retried = await api("POST", `${base}/request/${reqId}/retry`, { force: true });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ requestId: reqId, forced: true });
    const msg = await api("GET", `/api/v1/app/${app.id}/msg/${retried.body.msgId}`);
    expect(msg.body.payload.orderId).toBe("wrong-secret");

    const big = JSON.stringify({
      event_type: "order.created",
      data: { order: { id: "big" } },
      pad: "x".repeat(5000),
    });
    await t.app.inject({
      method: "POST",
      url: `/ingest/${id}`,
      payload: big,
      headers: { "content-type": "application/json" },
    });
    const truncatedId = (await api("GET", `${base}/request?status=rejected&limit=1`)).body.data[0]
      .id as string;
    const conflict = await api("POST", `${base}/request/${truncatedId}/retry`, { force: true });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("conflict");
  });
});
